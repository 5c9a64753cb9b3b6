"""The SPA staff pages (/spa/): sign-in and lock-out, access control, CSRF, status and notes with their
audit trail, CSV export, content-gaps grouping, escaping, and the create-staff command."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING

import lxml.html
import pytest
from sqlalchemy import select

from gateway import cli
from gateway.models import AuditEntry, Referral, ReferralNote, StaffUser, utcnow
from gateway.spa import auth
from gateway.spa.routes import PAGE_SIZE, csv_cell, group_gaps, normalise_question, safe_next

if TYPE_CHECKING:
    from tests.gateway._spa_fixtures import SpaEnv

pytest_plugins = ["tests.gateway._spa_fixtures"]  # fixtures: spa, signed_in, spa_factory, cheap_argon2

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')

REFERENCE = "SPA-2345-ABCD"
GET_ROUTES = ["/spa/", "/spa/?status=new", f"/spa/referrals/{REFERENCE}", "/spa/export.csv?from=2025-01-01&to=2025-01-31",
              "/spa/content-gaps"]
POST_ROUTES = [f"/spa/referrals/{REFERENCE}/status", f"/spa/referrals/{REFERENCE}/notes", "/spa/sign-out"]


def csrf_of(response) -> str:
    match = CSRF_FIELD.search(response.text)
    assert match
    return match.group(1)


def set_cookie_header(response) -> SimpleCookie:
    cookie = SimpleCookie()
    cookie.load(response.headers["set-cookie"])
    return cookie


def assert_accessible_page(html: str) -> None:
    assert '<html lang="en-GB">' in html
    assert re.search(r"<title>[^<]+ – SPA staff – Local offer assistant</title>", html)
    assert '<a href="#main-content" class="govuk-skip-link">Skip to main content</a>' in html
    assert '<main class="govuk-main-wrapper" id="main-content"' in html
    for input_id in re.findall(r'<(?:input|textarea)[^>]* id="([^"]+)"', html):
        assert f'for="{input_id}"' in html, f"input {input_id} has no label"


# ---------------------------------------------------------------------------------------------
# sign-in, sessions, lock-out


def test_sign_in_success_sets_a_strict_http_only_session_and_audits(spa: SpaEnv) -> None:
    spa.add_staff(email="jo@council.example")
    page = spa.client.get("/spa/sign-in")
    assert page.status_code == 200
    assert_accessible_page(page.text)
    assert 'autocomplete="current-password"' in page.text

    response = spa.sign_in(email="  Jo@Council.Example ")
    assert response.status_code == 303
    assert response.headers["location"] == "/spa/"
    morsel = set_cookie_header(response)[auth.COOKIE_NAME]
    assert morsel["httponly"] and morsel["samesite"].lower() == "strict" and morsel["path"] == "/spa"
    assert not morsel["secure"]  # development over http
    assert int(morsel["max-age"]) == 8 * 3600

    inbox = spa.client.get("/spa/")
    assert inbox.status_code == 200 and "Signed in as Jo Bloggs" in inbox.text
    assert_accessible_page(inbox.text)
    assert [(e.actor, e.action) for e in spa.audit()] == [("jo@council.example", "sign_in")]
    # the CSRF token is rotated at sign-in
    assert csrf_of(inbox) != csrf_of(page)


def test_session_cookie_is_secure_in_production(spa_factory) -> None:
    env = spa_factory(env="production", session_secret="p" * 40, REFERRAL_SERVICE_SECRET="r" * 40)
    env.add_staff()
    with env.client:
        response = env.sign_in()
    assert response.status_code == 303
    assert set_cookie_header(response)[auth.COOKIE_NAME]["secure"]


def test_sign_in_failure_is_generic_and_audited(spa: SpaEnv) -> None:
    spa.add_staff()
    wrong = spa.sign_in(password="not the password")
    unknown = spa.sign_in(email="nobody@council.example", password="whatever it is")
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "Enter a correct email address and password" in response.text
        assert 'class="govuk-error-summary"' in response.text and "<title>Error: Sign in" in response.text
    assert spa.client.get("/spa/").status_code == 303  # still not signed in
    failures = spa.audit("sign_in_failed")
    assert [e.actor for e in failures] == ["jo@council.example", "unknown"]
    assert "nobody" not in str(failures[1].detail)  # the typed address is never stored


def test_sign_in_empty_fields_show_errors(spa: SpaEnv) -> None:
    response = spa.sign_in(email="", password="")
    assert response.status_code == 400
    assert '<a href="#email">Enter your email address</a>' in response.text
    assert '<a href="#password">Enter your password</a>' in response.text
    assert 'aria-describedby="email-error"' in response.text
    assert spa.audit() == []


def test_lock_out_after_n_failures_refuses_even_the_right_password(spa: SpaEnv) -> None:
    spa.add_staff()
    failures = spa.settings.staff_lockout_failures
    for _ in range(failures - 1):
        assert spa.sign_in(password="wrong password!").status_code == 400
    locked = spa.sign_in(password="wrong password!")
    assert locked.status_code == 429
    assert "This account is locked" in locked.text and "15 minutes" in locked.text

    refused = spa.sign_in(password=spa.password)
    assert refused.status_code == 429 and "This account is locked" in refused.text
    assert spa.client.get("/spa/").status_code == 303
    actions = [e.action for e in spa.audit()]
    assert actions.count("sign_in_failed") == failures
    assert actions[-2:] == ["sign_in_locked", "sign_in_refused_locked"]
    assert "sign_in" not in actions

    with spa.db() as db:  # the lock expires
        user = db.scalar(select(StaffUser))
        assert auth.aware(user.locked_until) > utcnow() + timedelta(minutes=14)
        user.locked_until = utcnow() - timedelta(seconds=1)
        db.commit()
    assert spa.sign_in(password=spa.password).status_code == 303
    with spa.db() as db:
        user = db.scalar(select(StaffUser))
        assert user.failed_attempts == 0 and user.locked_until is None


def test_unknown_email_is_locked_out_the_same_way(spa: SpaEnv) -> None:
    """The lock-out page must not tell whether the address belongs to an account."""
    spa.add_staff(email="jo@council.example")
    pages = {}
    for email in ("jo@council.example", "ghost@council.example"):
        responses = [spa.sign_in(email=email, password="wrong password!")
                     for _ in range(spa.settings.staff_lockout_failures)]
        assert [r.status_code for r in responses] == [400] * (len(responses) - 1) + [429]
        pages[email] = re.sub(r'value="[^"]*"', "", responses[-1].text)
        assert spa.sign_in(email=email, password="wrong password!").status_code == 429
    assert pages["jo@council.example"] == pages["ghost@council.example"]
    locks = spa.audit("sign_in_locked")
    assert [e.actor for e in locks] == ["jo@council.example", "unknown"]
    assert "ghost" not in str(locks[1].detail)


def test_inactive_staff_cannot_sign_in(spa: SpaEnv) -> None:
    spa.add_staff(is_active=False)
    response = spa.sign_in()
    assert response.status_code == 400 and "Enter a correct email address and password" in response.text


def test_deactivating_or_changing_the_password_ends_the_session(signed_in: SpaEnv) -> None:
    spa = signed_in
    assert spa.client.get("/spa/").status_code == 200
    with spa.db() as db:
        user = db.scalar(select(StaffUser))
        user.password_hash = auth.hash_password("a brand new password")
        db.commit()
    assert spa.client.get("/spa/").status_code == 303


def test_tampered_and_expired_sessions_are_refused(signed_in: SpaEnv, monkeypatch) -> None:
    spa = signed_in
    cookie = spa.client.cookies.get(auth.COOKIE_NAME)
    for tampered in (cookie[:-3] + ("abc" if not cookie.endswith("abc") else "xyz"), "garbage", ""):
        spa.client.cookies.clear()
        spa.client.cookies.set(auth.COOKIE_NAME, tampered)
        assert spa.client.get("/spa/").status_code == 303
    spa.client.cookies.clear()
    spa.client.cookies.set(auth.COOKIE_NAME, cookie)
    assert spa.client.get("/spa/").status_code == 200
    monkeypatch.setattr(auth, "SESSION_MAX_AGE_S", -1)  # every cookie is now older than the limit
    assert spa.client.get("/spa/").status_code == 303


def test_sign_in_redirects_to_the_page_asked_for_but_never_off_site(spa: SpaEnv) -> None:
    spa.add_staff()
    spa.add_referral(REFERENCE)
    first = spa.client.get(f"/spa/referrals/{REFERENCE}")
    assert first.status_code == 303
    assert first.headers["location"] == f"/spa/sign-in?next=%2Fspa%2Freferrals%2F{REFERENCE}"
    page = spa.client.get(first.headers["location"])
    assert f'name="next" value="/spa/referrals/{REFERENCE}"' in page.text
    response = spa.client.post("/spa/sign-in", data={"email": "jo@council.example", "password": spa.password,
                                                     "csrf_token": csrf_of(page), "next": f"/spa/referrals/{REFERENCE}"})
    assert response.headers["location"] == f"/spa/referrals/{REFERENCE}"
    for target in ("https://evil.example/", "//evil.example/spa/", "/spa//evil.example", "/spa/../admin", "/other"):
        assert safe_next(target) is None


def test_sign_out_clears_the_session(signed_in: SpaEnv) -> None:
    spa = signed_in
    token = csrf_of(spa.client.get("/spa/"))
    response = spa.client.post("/spa/sign-out", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/spa/sign-in?signed_out=1"
    assert spa.client.get("/spa/").status_code == 303
    assert "You have signed out." in spa.client.get("/spa/sign-in?signed_out=1").text
    assert spa.audit()[-1].action == "sign_out"


# ---------------------------------------------------------------------------------------------
# access control and CSRF


@pytest.mark.parametrize("path", GET_ROUTES)
def test_unauthenticated_get_redirects_to_sign_in(spa: SpaEnv, path: str) -> None:
    spa.add_referral(REFERENCE)
    response = spa.client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/spa/sign-in")


@pytest.mark.parametrize("path", POST_ROUTES)
def test_unauthenticated_post_is_forbidden(spa: SpaEnv, path: str) -> None:
    spa.add_referral(REFERENCE)
    token = spa.csrf()  # even with a valid anonymous session and its token
    response = spa.client.post(path, data={"csrf_token": token, "status": "closed", "note": "x"})
    assert response.status_code == 403
    assert "You are not signed in" in response.text
    with spa.db() as db:
        assert db.scalar(select(Referral.status)) == "new"
        assert db.scalar(select(ReferralNote)) is None


def test_static_stylesheet_is_public(spa: SpaEnv) -> None:
    response = spa.client.get("/spa/static/spa.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert ":focus" in response.text and "@import" not in response.text and "url(" not in response.text


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
@pytest.mark.parametrize("path", POST_ROUTES)
def test_csrf_missing_or_wrong_is_forbidden(signed_in: SpaEnv, path: str, token: str | None) -> None:
    spa = signed_in
    spa.add_referral(REFERENCE)
    data = {"status": "closed", "note": "hello"}
    if token is not None:
        data["csrf_token"] = token
    response = spa.client.post(path, data=data)
    assert response.status_code == 403
    assert "This form could not be checked" in response.text
    assert spa.client.get("/spa/").status_code == 200  # still signed in: nothing happened
    with spa.db() as db:
        assert db.scalar(select(Referral.status)) == "new"
        assert db.scalar(select(ReferralNote)) is None
    assert [e.action for e in spa.audit()] == ["sign_in"]


def test_sign_in_without_csrf_token_is_forbidden(spa: SpaEnv) -> None:
    spa.add_staff()
    spa.client.get("/spa/sign-in")
    response = spa.client.post("/spa/sign-in", data={"email": "jo@council.example", "password": spa.password})
    assert response.status_code == 403 and "The sign-in form had expired" in response.text
    assert spa.audit() == []
    # the page carries a fresh token, so the next try works
    retry = spa.client.post("/spa/sign-in", data={"email": "jo@council.example", "password": spa.password,
                                                  "csrf_token": csrf_of(response)})
    assert retry.status_code == 303


def test_a_token_from_another_session_is_refused(spa: SpaEnv) -> None:
    spa.add_staff()
    stolen = spa.csrf()
    spa.client.cookies.clear()
    spa.client.get("/spa/sign-in")  # a new anonymous session with its own token
    response = spa.client.post("/spa/sign-in", data={"email": "jo@council.example", "password": spa.password,
                                                     "csrf_token": stolen})
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------
# inbox


def test_inbox_lists_urgent_open_first_then_newest_with_filter_and_pages(signed_in: SpaEnv) -> None:
    spa = signed_in
    now = utcnow()
    spa.add_referral("SPA-OLD1-URGT", received_at=now - timedelta(days=3), urgency="urgent")
    spa.add_referral("SPA-NEW1-ROUT", received_at=now - timedelta(hours=5))
    spa.add_referral("SPA-CLSD-URGT", received_at=now - timedelta(hours=1), urgency="urgent", status="closed")
    spa.add_referral("SPA-CONT-SOON", received_at=now - timedelta(days=1, hours=2), urgency="soon",
                     status="contacted")
    page = spa.client.get("/spa/")
    order = re.findall(r'href="/spa/referrals/([^"]+)"', page.text)
    assert order == ["SPA-OLD1-URGT", "SPA-CLSD-URGT", "SPA-NEW1-ROUT", "SPA-CONT-SOON"]
    assert "3 days ago" in page.text and "5 hours ago" in page.text and "1 day ago" in page.text
    assert page.text.count("spa-row--urgent") == 1
    assert "All (4)" in page.text and "New (2)" in page.text and "Contacted (1)" in page.text

    contacted = spa.client.get("/spa/?status=contacted")
    assert re.findall(r'href="/spa/referrals/([^"]+)"', contacted.text) == ["SPA-CONT-SOON"]
    assert spa.client.get("/spa/?status=bogus").status_code == 400
    assert spa.client.get("/spa/?page=abc").status_code == 400  # a readable page, not a 422 JSON body
    assert spa.client.get("/spa/?page=0").status_code == 400
    assert spa.client.get("/spa/?page=9").status_code == 404


def test_inbox_pagination_fifty_per_page(signed_in: SpaEnv) -> None:
    spa = signed_in
    now = utcnow()
    for number in range(PAGE_SIZE + 3):
        spa.add_referral(f"SPA-{number:04d}-PAGE", received_at=now - timedelta(minutes=number))
    first = spa.client.get("/spa/")
    assert len(re.findall(r'href="/spa/referrals/', first.text)) == PAGE_SIZE
    assert "Showing 1 to 50 of 53 referrals" in first.text and 'href="/spa/?page=2"' in first.text
    second = spa.client.get("/spa/?page=2")
    assert re.findall(r'href="/spa/referrals/([^"]+)"', second.text) == [
        "SPA-0050-PAGE", "SPA-0051-PAGE", "SPA-0052-PAGE"]
    assert 'href="/spa/" rel="prev"' in second.text


def test_hostile_concern_summary_is_shown_as_text(signed_in: SpaEnv) -> None:
    spa = signed_in
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    spa.add_referral(REFERENCE, concern_summary=hostile, parent_name="<b>Bold</b>",
                     transcript=[{"speaker": "parent", "text": "<script>bad()</script>"}])
    for path in ("/spa/", f"/spa/referrals/{REFERENCE}"):
        html = spa.client.get(path).text
        assert "<script>" not in html and "<img" not in html and "<b>Bold" not in html
        assert "&lt;script&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in spa.client.get(f"/spa/referrals/{REFERENCE}").text


def test_document_markup_quoted_by_the_assistant_is_shown_as_text(signed_in: SpaEnv) -> None:
    """An answer quoting a council page that shows script and markup as text, in a referral's
    transcript and in a content gap: staff read the characters, the browser builds no elements."""
    from tests.hostile_documents import IMG_PAYLOAD, SCRIPT_PAYLOAD, TITLE

    spa = signed_in
    answer = (f"Families book a place through the short breaks team. {SCRIPT_PAYLOAD} {IMG_PAYLOAD}\n"
              f"Sources:\n- {TITLE} (Brackenmoor Borough Council)")
    spa.add_referral(REFERENCE, transcript=[{"speaker": "parent", "text": "how do I book a summer place"},
                                            {"speaker": "assistant", "text": answer}])
    spa.add_gap(f"what does {IMG_PAYLOAD} on the booking form mean", kind="not_helpful")
    for path, shown in ((f"/spa/referrals/{REFERENCE}", (SCRIPT_PAYLOAD, IMG_PAYLOAD, TITLE)),
                        ("/spa/content-gaps", (IMG_PAYLOAD,))):
        page = lxml.html.document_fromstring(spa.client.get(path).text)
        assert page.xpath("//script | //img | //svg | //*[@onerror or @onload or @onmouseover]") == [], path
        for text in shown:
            assert text in page.text_content(), (path, text)

def test_security_headers_on_pages(signed_in: SpaEnv) -> None:
    response = signed_in.client.get("/spa/")
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "script-src" not in response.headers["content-security-policy"]  # default-src 'none' covers it


# ---------------------------------------------------------------------------------------------
# one referral: status, notes, audit trail


def test_referral_page_shows_the_full_record(signed_in: SpaEnv) -> None:
    spa = signed_in
    spa.add_referral(REFERENCE, urgency="urgent")
    page = spa.client.get(f"/spa/referrals/{REFERENCE}")
    assert page.status_code == 200
    assert_accessible_page(page.text)
    for text in ("Sam Parent", "sam@example.org", "Hilltop Primary", "struggling with reading", "I agree to share.",
                 "abc123", "Hi there", "Urgent", "Not yet (0 attempts)"):
        assert text in page.text, text
    missing = spa.client.get("/spa/referrals/SPA-NOPE-NOPE")
    assert missing.status_code == 404 and "Referral not found" in missing.text
    assert spa.client.get("/spa/referrals/%3Cscript%3E").status_code == 404


def test_status_change_is_saved_and_audited(signed_in: SpaEnv) -> None:
    spa = signed_in
    spa.add_referral(REFERENCE)
    token = csrf_of(spa.client.get(f"/spa/referrals/{REFERENCE}"))
    response = spa.client.post(f"/spa/referrals/{REFERENCE}/status", data={"csrf_token": token, "status": "contacted"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/spa/referrals/{REFERENCE}?done=status"
    with spa.db() as db:
        referral = db.scalar(select(Referral))
        assert referral.status == "contacted"
        entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "status_changed"))
        assert entry.actor == "jo@council.example" and entry.referral_id == referral.id
        assert entry.detail == {"from": "new", "to": "contacted"}
    page = spa.client.get(response.headers["location"])
    assert "The status has been changed." in page.text
    assert "Changed the status from new to contacted" in page.text

    same = spa.client.post(f"/spa/referrals/{REFERENCE}/status", data={"csrf_token": token, "status": "contacted"})
    assert same.headers["location"].endswith("?done=unchanged")
    assert len(spa.audit("status_changed")) == 1

    bad = spa.client.post(f"/spa/referrals/{REFERENCE}/status", data={"csrf_token": token, "status": "deleted"})
    assert bad.status_code == 400 and '<a href="#status-new">Select a status</a>' in bad.text
    missing = spa.client.post("/spa/referrals/SPA-NOPE-NOPE/status", data={"csrf_token": token, "status": "closed"})
    assert missing.status_code == 404


def test_note_is_saved_with_its_author_and_audited(signed_in: SpaEnv) -> None:
    spa = signed_in
    spa.add_referral(REFERENCE)
    token = csrf_of(spa.client.get(f"/spa/referrals/{REFERENCE}"))
    response = spa.client.post(f"/spa/referrals/{REFERENCE}/notes",
                               data={"csrf_token": token, "note": "Called mum <b>twice</b>.\r\nNo answer."})
    assert response.status_code == 303 and response.headers["location"].endswith("?done=note#notes")
    with spa.db() as db:
        note = db.scalar(select(ReferralNote))
        assert note.text == "Called mum <b>twice</b>.\nNo answer." and note.author.email == "jo@council.example"
        entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "note_added"))
        assert entry.detail == {"note_id": note.id} and entry.referral_id == note.referral_id
        assert entry.actor == "jo@council.example"
    page = spa.client.get(f"/spa/referrals/{REFERENCE}")
    assert "Called mum &lt;b&gt;twice&lt;/b&gt;." in page.text and "<strong>Jo Bloggs</strong>" in page.text
    assert "Added a note" in page.text

    empty = spa.client.post(f"/spa/referrals/{REFERENCE}/notes", data={"csrf_token": token, "note": "   "})
    assert empty.status_code == 400 and '<a href="#note">Enter a note</a>' in empty.text
    assert "<title>Error: Referral" in empty.text
    long = spa.client.post(f"/spa/referrals/{REFERENCE}/notes", data={"csrf_token": token, "note": "x" * 5001})
    assert long.status_code == 400 and "5,000 characters or fewer" in long.text
    assert len(spa.audit("note_added")) == 1


# ---------------------------------------------------------------------------------------------
# CSV export


def test_csv_export_rows_fields_and_formula_escaping(signed_in: SpaEnv) -> None:
    spa = signed_in
    # 12:00 UTC is inside the same UK day, winter or summer
    spa.add_referral("SPA-AAAA-0001", received_at=datetime(2025, 3, 1, 12, tzinfo=UTC),
                     parent_name="=HYPERLINK(\"http://evil.example\",\"x\")", contact_method="phone",
                     contact_value="+44 7700 900123", concern_summary="-2+3 and\nmore",
                     school_setting="@SUM(A1)", transcript=[{"speaker": "parent", "text": "SECRET TRANSCRIPT"}])
    spa.add_referral("SPA-AAAA-0002", received_at=datetime(2025, 3, 31, 12, tzinfo=UTC))
    spa.add_referral("SPA-AAAA-0003", received_at=datetime(2025, 4, 1, 12, tzinfo=UTC))
    spa.add_referral("SPA-AAAA-0000", received_at=datetime(2025, 2, 28, 12, tzinfo=UTC))

    response = spa.client.get("/spa/export.csv?from=2025-03-01&to=2025-03-31")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'attachment; filename="referrals-2025-03-01-to-2025-03-31.csv"' == response.headers["content-disposition"]
    text = response.content.decode("utf-8-sig")
    assert "SECRET TRANSCRIPT" not in text and "transcript" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["reference"] for row in rows] == ["SPA-AAAA-0001", "SPA-AAAA-0002"]
    first = rows[0]
    assert first["parent_name"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert first["contact_value"] == "'+44 7700 900123"
    assert first["concern_summary"] == "'-2+3 and\nmore"
    assert first["school_setting"] == "'@SUM(A1)"
    assert first["child_age"] == "7" and first["urgency"] == "routine" and first["consent_given"] == "yes"
    assert first["received_at"].startswith("2025-03-01T12:00:00")
    entry = spa.audit("csv_export")[-1]
    assert entry.actor == "jo@council.example" and entry.detail == {"from": "2025-03-01", "to": "2025-03-31", "rows": 2}


def test_csv_cell_escaping() -> None:
    for value in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert csv_cell(value) == "'" + value
    assert csv_cell("plain =1") == "plain =1" and csv_cell(None) == "" and csv_cell(7) == "7"


@pytest.mark.parametrize("query, message", [
    ("", "Enter the first date"),
    ("?from=2025-03-01", "Enter the last date"),
    ("?from=2025-13-01&to=2025-12-31", "The first date must be a real date"),
    ("?from=1/3/2025&to=2025-03-31", "The first date must be a real date"),
    ("?from=2025-03-01&to=tomorrow", "The last date must be a real date"),
    ("?from=2025-02-30&to=2025-03-31", "The first date must be a real date"),
    ("?from=20250301&to=2025-03-31", "The first date must be a real date"),
    ("?from=2025-04-01&to=2025-03-01", "The first date must be the same as or before the last date"),
    ("?from=%3Cscript%3E&to=2025-03-01", "The first date must be a real date"),
])
def test_csv_export_date_errors_are_readable_400_pages(signed_in: SpaEnv, query: str, message: str) -> None:
    response = signed_in.client.get(f"/spa/export.csv{query}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text and 'class="govuk-error-summary"' in response.text
    assert "<script>" not in response.text
    assert_accessible_page(response.text)
    assert signed_in.audit("csv_export") == []


# ---------------------------------------------------------------------------------------------
# content gaps


def test_normalise_question() -> None:
    assert normalise_question("What is SEN support?") == "sen support"
    assert normalise_question("How do I get an EHCP for my child?!") == "ehcp child"
    assert normalise_question("Is it?") == "is it"  # only stop words: keep them rather than nothing


def test_group_gaps_groups_similar_questions() -> None:
    now = utcnow()
    rows = [
        ("What is SEN support?", "not_in_documents", now - timedelta(days=5)),
        ("what is sen support", "not_helpful", now - timedelta(days=1)),
        ("What is SEN support", "not_in_documents", now - timedelta(days=2)),
        ("Can you explain SEN support please", "not_helpful", now - timedelta(days=3)),
        ("How do I apply for school transport?", "not_in_documents", now - timedelta(days=4)),
        ("school transport application", "not_in_documents", now - timedelta(days=10)),
        ("Is there respite care for disabled children?", "not_helpful", now - timedelta(days=7)),
    ]
    groups = group_gaps(rows)
    assert [g.count for g in groups] == [4, 2, 1]
    sen, transport, respite = groups
    assert sen.representative == "What is SEN support?" or sen.representative == "What is SEN support"
    assert (sen.not_helpful, sen.not_in_documents) == (2, 2)
    assert sen.latest == auth.aware(rows[1][2])
    assert transport.representative in ("How do I apply for school transport?", "school transport application")
    assert (transport.not_helpful, transport.not_in_documents) == (0, 2)
    assert respite.representative == "Is there respite care for disabled children?"
    assert group_gaps([]) == []


def test_content_gaps_page(signed_in: SpaEnv) -> None:
    spa = signed_in
    for question, kind in [("What is SEN support?", "not_in_documents"), ("what is sen support", "not_helpful"),
                           ("explain SEN support", "not_in_documents"), ("Where is the <b>sensory</b> room?",
                                                                        "not_helpful")]:
        spa.add_gap(question, kind)
    spa.add_gap("a very old question about transport", days_ago=120)
    page = spa.client.get("/spa/content-gaps")
    assert page.status_code == 200
    assert_accessible_page(page.text)
    assert "4 questions in the last 90 days, in 2 groups" in page.text
    counts = re.findall(r'spa-count">(\d+)<', page.text)
    assert counts == ["3", "1"]
    assert "old question" not in page.text
    assert "&lt;b&gt;sensory&lt;/b&gt;" in page.text and "<b>sensory" not in page.text
    assert "2 other wordings" in page.text

    longer = spa.client.get("/spa/content-gaps?days=365")
    assert "5 questions in the last 365 days, in 3 groups" in longer.text
    for bad in ("0", "-5", "abc", "99999"):
        response = spa.client.get(f"/spa/content-gaps?days={bad}")
        assert response.status_code == 400 and "Enter a whole number of days" in response.text


# ---------------------------------------------------------------------------------------------
# create-staff command


def test_cli_create_staff_from_stdin(spa: SpaEnv, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    status = cli.main(["create-staff", "--email", " Sam@Council.Example", "--name", "Sam  Staff",
                       "--password-stdin", "--database-url", spa.settings.database_url])
    assert status == 0 and "Created staff user sam@council.example" in capsys.readouterr().out
    with spa.db() as db:
        user = db.scalar(select(StaffUser))
        assert (user.email, user.name, user.is_active) == ("sam@council.example", "Sam Staff", True)
        assert user.password_hash.startswith("$argon2id$")
        assert auth.verify_password(user.password_hash, "a long enough password")
        assert not auth.verify_password(user.password_hash, "another password")
    # and they can sign in
    assert spa.sign_in(email="sam@council.example", password="a long enough password").status_code == 303

    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    again = cli.main(["create-staff", "--email", "sam@council.example", "--name", "Sam", "--password-stdin",
                      "--database-url", spa.settings.database_url])
    assert again == 1 and "already exists" in capsys.readouterr().err


def test_cli_create_staff_prompts_twice(spa: SpaEnv, monkeypatch, capsys) -> None:
    answers = iter(["first password here", "second password here"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    args = ["create-staff", "--email", "kim@council.example", "--name", "Kim", "--database-url",
            spa.settings.database_url]
    assert cli.main(args) == 2 and "do not match" in capsys.readouterr().err
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": "short")
    assert cli.main(args) == 2 and "at least 12 characters" in capsys.readouterr().err
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": "the same password twice")
    assert cli.main(args) == 0
    with spa.db() as db:
        assert auth.verify_password(db.scalar(select(StaffUser.password_hash)), "the same password twice")


def test_cli_rejects_bad_email_and_missing_tables(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert cli.main(["create-staff", "--email", "not-an-email", "--name", "X", "--password-stdin",
                     "--database-url", f"sqlite:///{tmp_path / 'x.sqlite3'}"]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert cli.main(["create-staff", "--email", "a@b.example", "--name", "X", "--password-stdin",
                     "--database-url", f"sqlite:///{tmp_path / 'empty.sqlite3'}"]) == 1
    assert "apply the migrations" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main([])


# ---------------------------------------------------------------------------------------------
# the same pages on the real schema (Alembic migrations), SQLite and PostgreSQL


def test_pages_on_the_migrated_schema_of_each_database(migrated_url: str, spa_factory) -> None:
    """Lock-out (JSON audit lookups, time zones), ordering, export ranges and gaps on each database."""
    spa = spa_factory(database_url=migrated_url)  # create_all is a no-op on the migrated tables
    with spa.client:
        spa.add_staff()
        for _ in range(spa.settings.staff_lockout_failures):
            last = spa.sign_in(email="ghost@council.example", password="wrong password!")
        assert last.status_code == 429
        assert spa.sign_in(email="ghost@council.example", password="wrong password!").status_code == 429
        for _ in range(spa.settings.staff_lockout_failures):
            last = spa.sign_in(password="wrong password!")
        assert last.status_code == 429
        assert spa.sign_in().status_code == 429
        with spa.db() as db:
            db.scalar(select(StaffUser)).locked_until = utcnow() - timedelta(minutes=1)
            db.commit()
        assert spa.sign_in().status_code == 303

        spa.add_referral("SPA-AAAA-0001", received_at=datetime(2025, 3, 1, 0, 30, tzinfo=UTC))
        spa.add_referral("SPA-AAAA-0002", received_at=datetime(2025, 3, 2, 9, tzinfo=UTC), urgency="urgent")
        # 23:30 UTC on 31 March 2025 is 00:30 on 1 April in London (BST): outside March
        spa.add_referral("SPA-AAAA-0003", received_at=datetime(2025, 3, 31, 23, 30, tzinfo=UTC))
        inbox = spa.client.get("/spa/")
        assert re.findall(r'href="/spa/referrals/([^"]+)"', inbox.text) == [
            "SPA-AAAA-0002", "SPA-AAAA-0003", "SPA-AAAA-0001"]
        rows = list(csv.DictReader(io.StringIO(
            spa.client.get("/spa/export.csv?from=2025-03-01&to=2025-03-31").content.decode("utf-8-sig"))))
        assert [row["reference"] for row in rows] == ["SPA-AAAA-0001", "SPA-AAAA-0002"]

        page = spa.client.get("/spa/referrals/SPA-AAAA-0001")
        token = csrf_of(page)
        spa.client.post("/spa/referrals/SPA-AAAA-0001/status", data={"csrf_token": token, "status": "closed"})
        spa.client.post("/spa/referrals/SPA-AAAA-0001/notes", data={"csrf_token": token, "note": "Done."})
        page = spa.client.get("/spa/referrals/SPA-AAAA-0001")
        assert "Changed the status from new to closed" in page.text and "Done." in page.text

        spa.add_gap("What is SEN support?")
        spa.add_gap("what is sen support", kind="not_helpful")
        spa.add_gap("an old question", days_ago=100)
        gaps = spa.client.get("/spa/content-gaps")
        assert "2 questions in the last 90 days, in 1 group" in gaps.text
