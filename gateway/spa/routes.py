"""The SPA staff pages under /spa/ (issue 5): server-rendered HTML, GOV.UK look, no JavaScript.

`router` is everything the app needs: `app.include_router(router)`. Its routes use `SpaRoute`, which
turns "not signed in" into a redirect to the sign-in page (GET) or a 403 page (any other method),
a CSRF mismatch into a 403 page and an invalid query string into a 400 page, so the app's own
exception handlers (JSON for the API) are not involved.

Pages: sign-in / sign-out, the inbox (`/spa/`), a referral's record with its status, notes and audit
trail, the CSV export and the content-gaps report. Every state change is written to the audit trail.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader
from rapidfuzz import fuzz, process
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import defer, selectinload
from starlette.datastructures import FormData

from gateway.deps import DbSession, SettingsDep
from gateway.models import (
    REFERRAL_STATUSES,
    AuditEntry,
    ContentGap,
    Referral,
    ReferralNote,
    StaffUser,
    utcnow,
)
from gateway.spa import auth, csrf

PREFIX = "/spa"
HERE = Path(__file__).resolve().parent
STYLESHEET = HERE / "static" / "spa.css"
PAGE_SIZE = 50
MAX_NOTE_CHARS = 5000
DEFAULT_GAP_DAYS = 90
MAX_GAP_DAYS = 3660
MAX_GAP_ROWS = 20_000  # the report reads at most this many of the latest content gaps
GAP_SIMILARITY = 70  # rapidfuzz token_set_ratio, 0-100

# Audit actions written here (sign-in ones are in auth.py)
STATUS_CHANGED = "status_changed"
NOTE_ADDED = "note_added"
CSV_EXPORTED = "csv_export"

try:
    LOCAL_TZ: Any = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # no time-zone database (install tzdata): show UTC
    LOCAL_TZ = UTC

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}


# ---------------------------------------------------------------------------------------------
# formatting (Jinja2 filters)


def local_time(moment: datetime) -> datetime:
    return auth.aware(moment).astimezone(LOCAL_TZ)


def format_datetime(moment: datetime | None) -> str:
    """'5 March 2025 at 2:15pm' (UK time), as GOV.UK writes times."""
    if moment is None:
        return ""
    moment = local_time(moment)
    hour = moment.hour % 12 or 12
    return f"{moment.day} {moment:%B %Y} at {hour}:{moment:%M}{'am' if moment.hour < 12 else 'pm'}"


def format_date(moment: datetime | date | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = local_time(moment)
    return f"{moment.day} {moment:%B %Y}"


def format_age(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago: '40 minutes', '5 hours', '1 day', '3 days'."""
    if moment is None:
        return ""
    seconds = max(0, ((now or utcnow()) - auth.aware(moment)).total_seconds())
    if seconds < 3600:
        minutes = int(seconds // 60)
        return "less than a minute" if minutes < 1 else _plural(minutes, "minute")
    if seconds < 86400:
        return _plural(int(seconds // 3600), "hour")
    return _plural(int(seconds // 86400), "day")


def _plural(number: int, word: str) -> str:
    return f"{number:,} {word}{'' if number == 1 else 's'}"


def excerpt(text: str | None, limit: int = 120) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",.;:") + "…"


def label(key: str) -> str:
    return str(key).replace("_", " ").strip().capitalize()


def display_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None or value == "":
        return "Not given"
    if isinstance(value, str) and (key == "at" or key.endswith("_at")):
        try:
            return format_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, (dict, list)):
        return ", ".join(f"{label(k)}: {v}" for k, v in value.items()) if isinstance(value, dict) else \
            ", ".join(str(item) for item in value)
    return str(value)


env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True,
                  lstrip_blocks=True)
env.filters.update(datetime=format_datetime, date=format_date, age=format_age, excerpt=excerpt, label=label,
                   display=display_value, number=lambda n: f"{n:,}")


# ---------------------------------------------------------------------------------------------
# responses and errors


@dataclass(frozen=True)
class FieldError:
    field: str  # the id of the input the error summary links to
    message: str


class SpaError(Exception):
    """Answered with a readable HTML error page."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(title)
        self.status, self.title, self.message = status, title, message


class NotSignedIn(Exception):
    pass


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    session = getattr(request.state, "spa_session", None)
    html = env.get_template(template).render(
        prefix=PREFIX, staff=getattr(request.state, "spa_staff", None),
        csrf_token=session.csrf if session else "", path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return render(request, "error.html", status_code=status, title=title, message=message)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


_SAFE_NEXT = re.compile(r"/spa/[A-Za-z0-9_\-./?=&%]*")


def safe_next(value: object) -> str | None:
    """Where to go after signing in: only a page of this site under /spa/ (no open redirect)."""
    if not isinstance(value, str) or len(value) > 500 or not _SAFE_NEXT.fullmatch(value):
        return None
    if "//" in value or ".." in value or value.startswith(f"{PREFIX}/sign-"):
        return None
    return value


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def cross_site(request: Request) -> bool:
    """A form sent by another site's page (the browser says so), on top of the CSRF token.

    `Sec-Fetch-Site` is sent by current browsers; `Origin` by all of them on a POST. A request
    with neither (a script, an old browser) still needs the session's CSRF token.
    """
    if request.headers.get("sec-fetch-site", "").lower() in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    # behind a reverse proxy the browser's host is in X-Forwarded-Host (a header no other site's
    # page can add to a form post)
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or ""
    return origin == "null" or urlsplit(origin).netloc.lower() != host.split(",")[0].strip().lower()


class SpaRoute(APIRoute):
    """Turns the pages' exceptions into HTML responses, whatever exception handlers the app has."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def spa_handler(request: Request) -> Response:
            if request.method not in SAFE_METHODS and cross_site(request):
                return error_page(request, 403, "This form could not be checked",
                                  "It was sent from another website, not from these pages. Open the SPA staff "
                                  "pages directly and try again.")
            try:
                return await handler(request)
            except NotSignedIn:
                if request.method in ("GET", "HEAD"):
                    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    next_page = safe_next(target)
                    query = f"?{urlencode({'next': next_page})}" if next_page and next_page != f"{PREFIX}/" else ""
                    return redirect(f"{PREFIX}/sign-in{query}")
                return error_page(request, 403, "You are not signed in",
                                  "Sign in to the SPA staff pages, then try again.")
            except csrf.CsrfError:
                return error_page(request, 403, "This form could not be checked",
                                  "The form has expired or did not come from these pages. Go back, reload the "
                                  "page and try again.")
            except RequestValidationError:
                return error_page(request, 400, "This address is not valid",
                                  "Check the address, or go back to the inbox.")
            except SpaError as exc:
                return error_page(request, exc.status, exc.title, exc.message)

        return spa_handler


router = APIRouter(prefix=PREFIX, route_class=SpaRoute, include_in_schema=False, tags=["spa"])


# ---------------------------------------------------------------------------------------------
# dependencies


def current_staff(request: Request, db: DbSession, settings: SettingsDep) -> StaffUser:
    session = auth.read_session(request.cookies.get(auth.COOKIE_NAME), settings)
    user = auth.user_for_session(db, session)
    if user is None:
        raise NotSignedIn()
    request.state.spa_session = session
    request.state.spa_staff = user
    return user


Staff = Annotated[StaffUser, Depends(current_staff)]


async def raw_form(request: Request) -> FormData:
    return await request.form()


async def checked_form(request: Request, staff: Staff) -> FormData:
    """The POSTed form, once the session's CSRF token has come back in it."""
    form = await request.form()
    if not csrf.tokens_match(request.state.spa_session.csrf, form.get(csrf.FIELD)):
        raise csrf.CsrfError()
    return form


RawForm = Annotated[FormData, Depends(raw_form)]
CheckedForm = Annotated[FormData, Depends(checked_form)]


def form_text(form: FormData, name: str, limit: int = 10_000) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


# ---------------------------------------------------------------------------------------------
# static


@router.get("/static/spa.css")
def stylesheet() -> FileResponse:
    return FileResponse(STYLESHEET, media_type="text/css",
                        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"})


# ---------------------------------------------------------------------------------------------
# sign-in, sign-out


@router.get("/sign-in")
def sign_in_page(request: Request, db: DbSession, settings: SettingsDep, next: str | None = None,
                 signed_out: str | None = None) -> Response:
    session = auth.read_session(request.cookies.get(auth.COOKIE_NAME), settings)
    if auth.user_for_session(db, session) is not None:
        return redirect(safe_next(next) or f"{PREFIX}/")
    fresh = session is None or session.uid is not None
    if fresh:  # an anonymous session carries the CSRF token of the sign-in form
        session = auth.new_session()
    request.state.spa_session = session
    response = render(request, "sign_in.html", next=safe_next(next), email="", errors=[],
                      notice="You have signed out." if signed_out else None)
    if fresh:
        auth.write_session(response, settings, session)
    return response


@router.post("/sign-in")
def sign_in(request: Request, db: DbSession, settings: SettingsDep, form: RawForm) -> Response:
    session = auth.read_session(request.cookies.get(auth.COOKIE_NAME), settings)
    email = form_text(form, "email", auth.MAX_EMAIL_CHARS).strip()
    password = form_text(form, "password", auth.MAX_PASSWORD_CHARS)
    next_page = safe_next(form.get("next"))

    def page(status: int, errors: list[FieldError], new_session: auth.SpaSession | None = None) -> Response:
        request.state.spa_session = new_session or session
        response = render(request, "sign_in.html", status_code=status, next=next_page, email=email, errors=errors)
        if new_session is not None:
            auth.write_session(response, settings, new_session)
        return response

    if session is None or not csrf.tokens_match(session.csrf, form.get(csrf.FIELD)):
        # a valid session keeps its token (and its sign-in); only a missing or broken one is replaced
        return page(403, [FieldError("email", "The sign-in form had expired. Enter your email address and "
                                               "password again.")], auth.new_session() if session is None else None)
    errors = []
    if not email:
        errors.append(FieldError("email", "Enter your email address"))
    if not password:
        errors.append(FieldError("password", "Enter your password"))
    if errors:
        return page(400, errors)

    result = auth.authenticate(db, settings, email, password)
    db.commit()
    if result.outcome is auth.SignIn.OK:
        response = redirect(next_page or f"{PREFIX}/")
        auth.write_session(response, settings, auth.new_session(result.user))  # a new CSRF token too
        return response
    if result.outcome is auth.SignIn.LOCKED:
        return page(429, [FieldError("email", (
            f"This account is locked because of too many failed sign-in attempts. Try again in "
            f"{_plural(settings.staff_lockout_minutes, 'minute')}, or ask an administrator to unlock it."))])
    return page(400, [FieldError("email", "Enter a correct email address and password")])


@router.post("/sign-out")
def sign_out(db: DbSession, settings: SettingsDep, staff: Staff, form: CheckedForm) -> Response:
    auth.audit(db, staff.email, auth.SIGNED_OUT)
    db.commit()
    response = redirect(f"{PREFIX}/sign-in?signed_out=1")
    auth.clear_session(response, settings)
    return response


# ---------------------------------------------------------------------------------------------
# inbox


def today_local() -> date:
    return utcnow().astimezone(LOCAL_TZ).date()


@router.get("/")
def inbox(request: Request, db: DbSession, staff: Staff, status: str | None = None, page: int = 1) -> Response:
    if status in (None, "", "all"):
        status = None
    elif status not in REFERRAL_STATUSES:
        raise SpaError(400, "There is no such status", "Choose new, contacted, closed or all referrals.")
    if page < 1:
        raise SpaError(400, "There is no such page", "Page numbers start at 1.")

    counts = {row[0]: row[1] for row in db.execute(select(Referral.status, func.count()).group_by(Referral.status))}
    total = counts.get(status, 0) if status else sum(counts.values())
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if page > pages:
        raise SpaError(404, "There is no such page", f"There {'is' if pages == 1 else 'are'} "
                                                     f"{_plural(pages, 'page')} of referrals.")

    urgent_open = case((and_(Referral.urgency == "urgent", Referral.status != "closed"), 0), else_=1)
    query = (select(Referral).options(defer(Referral.transcript), defer(Referral.consent))
             .order_by(urgent_open, Referral.received_at.desc(), Referral.id.desc())
             .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    if status:
        query = query.where(Referral.status == status)
    referrals = db.scalars(query).all()

    def page_url(number: int) -> str:
        params = {"status": status} if status else {}
        if number > 1:
            params["page"] = number
        return f"{PREFIX}/" + (f"?{urlencode(params)}" if params else "")

    today = today_local()
    return render(
        request, "inbox.html", referrals=referrals, status=status, statuses=REFERRAL_STATUSES, counts=counts,
        all_count=sum(counts.values()), total=total, page=page, pages=pages,
        first=(page - 1) * PAGE_SIZE + 1, last=(page - 1) * PAGE_SIZE + len(referrals),
        previous_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if page < pages else None,
        export_from=(today - timedelta(days=30)).isoformat(), export_to=today.isoformat(), errors=[],
    )


# ---------------------------------------------------------------------------------------------
# one referral

_REFERENCE = re.compile(r"[A-Za-z0-9-]{1,20}")
NOTICES = {
    "status": "The status has been changed.",
    "unchanged": "The status was already set to that; nothing was changed.",
    "note": "Your note has been added.",
}


def load_referral(db: DbSession, reference: str) -> Referral:
    referral = None
    if _REFERENCE.fullmatch(reference):
        referral = db.scalar(select(Referral).where(Referral.reference == reference))
    if referral is None:
        raise SpaError(404, "Referral not found", "There is no referral with this reference. Check it, or go "
                                                  "back to the inbox.")
    return referral


def describe_audit(entry: AuditEntry) -> str:
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    if entry.action == STATUS_CHANGED:
        return f"Changed the status from {detail.get('from', '?')} to {detail.get('to', '?')}"
    if entry.action == NOTE_ADDED:
        return "Added a note"
    text = label(entry.action)
    if detail:
        text += " (" + ", ".join(f"{label(k)}: {display_value(k, v)}" for k, v in detail.items()) + ")"
    return text


def transcript_lines(transcript: object) -> list[dict]:
    lines = []
    for item in transcript if isinstance(transcript, list) else []:
        if isinstance(item, dict):
            speaker = item.get("speaker") or item.get("role") or item.get("sender") or ""
            text = item.get("text") or item.get("content") or ""
        else:
            speaker, text = "", item
        lines.append({"speaker": label(str(speaker)) if speaker else "", "text": str(text)})
    return lines


def render_referral(request: Request, db: DbSession, referral: Referral, *, status: int = 200,
                    errors: Sequence[FieldError] = (), note: str = "", done: str | None = None) -> Response:
    notes = db.scalars(select(ReferralNote).options(selectinload(ReferralNote.author))
                       .where(ReferralNote.referral_id == referral.id)
                       .order_by(ReferralNote.created_at, ReferralNote.id)).all()
    entries = db.scalars(select(AuditEntry).where(AuditEntry.referral_id == referral.id)
                         .order_by(AuditEntry.created_at, AuditEntry.id)).all()
    consent = referral.consent if isinstance(referral.consent, dict) else {"record": referral.consent}
    return render(
        request, "referral.html", status_code=status, referral=referral, notes=notes, consent=consent,
        audit=[{"when": e.created_at, "actor": e.actor, "what": describe_audit(e)} for e in entries],
        transcript=transcript_lines(referral.transcript), statuses=REFERRAL_STATUSES, errors=list(errors),
        note=note, notice=NOTICES.get(done or ""),
    )


@router.get("/referrals/{reference}")
def referral_page(request: Request, db: DbSession, staff: Staff, reference: str,
                  done: str | None = None) -> Response:
    return render_referral(request, db, load_referral(db, reference), done=done)


@router.post("/referrals/{reference}/status")
def change_status(request: Request, db: DbSession, staff: Staff, form: CheckedForm, reference: str) -> Response:
    referral = load_referral(db, reference)
    new_status = form_text(form, "status", 20)
    if new_status not in REFERRAL_STATUSES:
        return render_referral(request, db, referral, status=400,
                               errors=[FieldError(f"status-{REFERRAL_STATUSES[0]}", "Select a status")])
    url = f"{PREFIX}/referrals/{referral.reference}"
    if new_status == referral.status:
        return redirect(f"{url}?done=unchanged")
    old_status, referral.status, referral.updated_at = referral.status, new_status, utcnow()
    auth.audit(db, staff.email, STATUS_CHANGED, referral_id=referral.id,
               detail={"from": old_status, "to": new_status})
    db.commit()
    return redirect(f"{url}?done=status")


@router.post("/referrals/{reference}/notes")
def add_note(request: Request, db: DbSession, staff: Staff, form: CheckedForm, reference: str) -> Response:
    referral = load_referral(db, reference)
    text = form_text(form, "note", MAX_NOTE_CHARS * 2).replace("\r\n", "\n").strip()
    error = None
    if not text:
        error = "Enter a note"
    elif len(text) > MAX_NOTE_CHARS:
        error = f"The note must be {MAX_NOTE_CHARS:,} characters or fewer"
    if error:
        return render_referral(request, db, referral, status=400, errors=[FieldError("note", error)], note=text)
    note = ReferralNote(referral_id=referral.id, author_id=staff.id, text=text, created_at=utcnow())
    db.add(note)
    db.flush()
    auth.audit(db, staff.email, NOTE_ADDED, referral_id=referral.id, detail={"note_id": note.id})
    db.commit()
    return redirect(f"{PREFIX}/referrals/{referral.reference}?done=note#notes")


# ---------------------------------------------------------------------------------------------
# CSV export

CSV_COLUMNS = (
    ("reference", lambda r: r.reference),
    ("received_at", lambda r: _iso(r.received_at)),
    ("created_at", lambda r: _iso(r.created_at)),
    ("council", lambda r: r.council),
    ("status", lambda r: r.status),
    ("urgency", lambda r: r.urgency),
    ("parent_name", lambda r: r.parent_name),
    ("contact_method", lambda r: r.contact_method),
    ("contact_value", lambda r: r.contact_value),
    ("child_age", lambda r: r.child_age),
    ("school_setting", lambda r: r.school_setting),
    ("concern_summary", lambda r: r.concern_summary),
    ("consent_given", lambda r: _consent(r, "given")),
    ("consent_at", lambda r: _consent(r, "at")),
    ("source", lambda r: r.source),
    ("updated_at", lambda r: _iso(r.updated_at)),
    ("emailed_at", lambda r: _iso(r.emailed_at)),
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _iso(moment: datetime | None) -> str:
    return local_time(moment).isoformat(timespec="seconds") if moment else ""


def _consent(referral: Referral, key: str) -> str:
    value = referral.consent.get(key) if isinstance(referral.consent, dict) else None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def csv_cell(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP: prefix = + - @ tab CR with a quote)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def parse_export_range(start: str | None, end: str | None) -> tuple[list[FieldError], date | None, date | None]:
    errors: list[FieldError] = []

    def parse(value: str | None, name: str, which: str) -> date | None:
        value = (value or "").strip()
        if not value:
            errors.append(FieldError(name, f"Enter the {which} date"))
            return None
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            errors.append(FieldError(name, f"The {which} date must be a real date in the form YYYY-MM-DD, "
                                           f"for example 2025-03-01"))
            return None

    first = parse(start, "export-from", "first")
    last = parse(end, "export-to", "last")
    if first and last and first > last:
        errors.append(FieldError("export-from", "The first date must be the same as or before the last date"))
    return errors, first, last


def local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)


@router.get("/export.csv")
def export_csv(request: Request, db: DbSession, staff: Staff,
               start: Annotated[str | None, Query(alias="from")] = None, end: Annotated[str | None, Query(alias="to")] = None) -> Response:
    errors, first, last = parse_export_range(start, end)
    if errors:
        return render(request, "export_error.html", status_code=400, errors=errors,
                      export_from=(start or "")[:40], export_to=(end or "")[:40])
    assert first is not None and last is not None
    query = (select(Referral).options(defer(Referral.transcript))
             .where(Referral.received_at >= local_midnight_utc(first),
                    Referral.received_at < local_midnight_utc(last + timedelta(days=1)))
             .order_by(Referral.received_at, Referral.id))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([name for name, _ in CSV_COLUMNS])
    rows = 0
    for referral in db.scalars(query):
        writer.writerow([csv_cell(get(referral)) for _, get in CSV_COLUMNS])
        rows += 1
    auth.audit(db, staff.email, CSV_EXPORTED, detail={"from": first.isoformat(), "to": last.isoformat(), "rows": rows})
    db.commit()
    filename = f"referrals-{first.isoformat()}-to-{last.isoformat()}.csv"
    return Response("\ufeff" + buffer.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    })


# ---------------------------------------------------------------------------------------------
# content gaps

STOP_WORDS = frozenset({
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for",
    "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
    "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just",
    "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once",
    "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she",
    "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves",
    "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
    "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
    "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "i'm",
    "i've", "i'd", "it's", "don't", "doesn't", "can't", "cannot", "please", "tell", "know", "get",
    "got",
})
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def normalise_question(question: str) -> str:
    """Lower-case words without punctuation or stop words ('What is SEN support?' -> 'sen support')."""
    words = _WORD.findall((question or "").lower().replace("\u2019", "'"))
    kept = [word for word in words if word not in STOP_WORDS]
    return " ".join(kept or words)


@dataclass
class GapGroup:
    representative: str = ""
    count: int = 0
    not_helpful: int = 0
    not_in_documents: int = 0
    latest: datetime | None = None
    phrasings: Counter = field(default_factory=Counter)

    def add(self, question: str, kind: str, created_at: datetime | None) -> None:
        self.count += 1
        self.not_helpful += kind == "not_helpful"
        self.not_in_documents += kind == "not_in_documents"
        created_at = auth.aware(created_at)
        if created_at is not None and (self.latest is None or created_at > self.latest):
            self.latest = created_at
        self.phrasings[" ".join(question.split())] += 1

    @property
    def other_phrasings(self) -> list[tuple[str, int]]:
        return [(text, n) for text, n in self.phrasings.most_common() if text != self.representative]


def group_gaps(rows: Iterable[tuple[str, str, datetime | None]], threshold: int = GAP_SIMILARITY) -> list[GapGroup]:
    """Greedy clustering: the commonest phrasings seed groups; each other phrasing joins the most similar
    seed scoring at least `threshold` (rapidfuzz token_set_ratio on the normalised text) or seeds its own."""
    by_text: dict[str, list[tuple[str, str, datetime | None]]] = {}
    for row in rows:
        by_text.setdefault(normalise_question(row[0]), []).append(row)

    def newest(items: list) -> float:
        return max((auth.aware(item[2]).timestamp() for item in items if item[2] is not None), default=0.0)

    seeds: list[str] = []
    groups: list[GapGroup] = []
    for text, items in sorted(by_text.items(), key=lambda pair: (-len(pair[1]), -newest(pair[1]), pair[0])):
        match = process.extractOne(text, seeds, scorer=fuzz.token_set_ratio, score_cutoff=threshold) \
            if seeds and text else None
        if match is None:
            seeds.append(text)
            groups.append(GapGroup())
            group = groups[-1]
        else:
            group = groups[match[2]]
        for question, kind, created_at in items:
            group.add(question, kind, created_at)
    for group in groups:
        group.representative = group.phrasings.most_common(1)[0][0]
    groups.sort(key=lambda g: (-g.count, -(g.latest.timestamp() if g.latest else 0.0), g.representative))
    return groups


@router.get("/content-gaps")
def content_gaps(request: Request, db: DbSession, staff: Staff, days: str | None = None) -> Response:
    value = (days or str(DEFAULT_GAP_DAYS)).strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_GAP_DAYS:
        return render(request, "content_gaps.html", status_code=400, groups=[], days=value[:10], rows=0, truncated=False,
                      errors=[FieldError("days", f"Enter a whole number of days from 1 to {MAX_GAP_DAYS:,}")])
    number = int(value)
    since = utcnow() - timedelta(days=number)
    rows = db.execute(select(ContentGap.question, ContentGap.kind, ContentGap.created_at)
                      .where(ContentGap.created_at >= since)
                      .order_by(ContentGap.created_at.desc(), ContentGap.id.desc()).limit(MAX_GAP_ROWS)).all()
    groups = group_gaps(tuple(row) for row in rows)
    return render(request, "content_gaps.html", groups=groups, days=number, rows=len(rows),
                  truncated=len(rows) >= MAX_GAP_ROWS, errors=[])
