"""Every route of the real gateway app, walked: the staff pages and the referral API refuse every
unauthenticated request and every cross-site form, and a route nobody has classified fails here.

The list of routes comes from the app itself, so a route added later without a decision about
who may call it makes this test fail until it is put in PUBLIC or given a check.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.routing import Mount

from gateway.models import AuditEntry, Referral, ReferralNote
from gateway.spa import auth

pytest_plugins = ["tests.gateway._spa_fixtures"]  # its autouse fixture makes password hashing cheap

REFERENCE = "SPA-2345-ABCD"
# What anyone may call: the parents' widget and its demo site, the health checks, the schema,
# and the staff pages' sign-in and stylesheet. Everything else needs a staff session or the
# action server's bearer secret.
PUBLIC = {
    ("GET", "/"), ("GET", "/demo/{name}.html"), ("GET", "/demo/demo.css"),
    ("GET", "/widget.js"), ("HEAD", "/widget.js"), ("GET", "/widget.css"), ("HEAD", "/widget.css"),
    ("GET", "/api/widget-config"), ("POST", "/api/chat"), ("GET", "/api/search"), ("GET", "/api/glossary"),
    ("GET", "/api/glossary/{term}"),
    ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"), ("GET", "/openapi.json"), ("HEAD", "/openapi.json"),
    ("GET", "/spa/sign-in"), ("POST", "/spa/sign-in"), ("GET", "/spa/static/spa.css"),
}
BEARER = {("POST", "/api/referrals")}
FOREIGN = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}


@pytest.fixture
def gateway(tmp_path):
    from gateway.db import upgrade_to_head
    from gateway.main import create_app
    from tests.gateway._spa_fixtures import make_settings

    settings = make_settings(tmp_path).model_copy(update={"background_jobs": False,
                                                          "referral_secret": "route-walk-secret-value"})
    upgrade_to_head(settings.database_url)
    app = create_app(settings)
    with TestClient(app, follow_redirects=False) as client:
        yield app, client, settings


def routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route, those of included routers too (FastAPI >= 0.165 nests them)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: included routes are flattened into app.routes
        contexts = app.routes
    else:
        contexts = list(iter_route_contexts(app.routes))
    found = []
    for context in contexts:
        if isinstance(getattr(context, "route", context), Mount):
            pytest.fail(f"a mounted app at {context.path} is not walked: give it a route or a check")
        found += [(method, context.path) for method in sorted(getattr(context, "methods", None) or ())]
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: {"reference": REFERENCE, "name": "index"}.get(m.group(1), "x"), path)


def _seed(settings) -> None:
    from tests.gateway._spa_fixtures import make_env

    env = make_env(settings)
    env.add_referral(REFERENCE)
    env.add_staff()


def test_every_route_is_classified_and_refuses_the_unauthenticated(gateway):
    app, client, settings = gateway
    _seed(settings)
    walked = routes(app)
    assert ("POST", "/spa/referrals/{reference}/status") in walked and ("GET", "/spa/") in walked
    unclassified = [r for r in walked if r not in PUBLIC and r not in BEARER and not r[1].startswith("/spa/")]
    assert unclassified == [], f"routes with no access decision: {unclassified}"

    for method, path in walked:
        if (method, path) in PUBLIC:
            continue
        url = concrete(path)
        if (method, path) in BEARER:
            for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
                response = client.request(method, url, json={}, headers=headers)
                assert response.status_code == 401, (method, path, headers, response.status_code)
            continue
        # a staff page: no session, then a forged cookie
        for cookies in ({}, {auth.COOKIE_NAME: "forged.value"}):
            client.cookies.clear()
            for name, value in cookies.items():
                client.cookies.set(name, value)
            response = client.request(method, url, data={"csrf_token": "x", "status": "closed", "note": "n"})
            if method in ("GET", "HEAD"):
                assert response.status_code == 303, (method, path, response.status_code)
                assert response.headers["location"].startswith("/spa/sign-in"), (method, path)
            else:
                assert response.status_code == 403, (method, path, response.status_code)
        client.cookies.clear()
    with _session(settings) as db:
        assert db.scalar(select(Referral.status)) == "new"
        assert db.scalar(select(func.count()).select_from(ReferralNote)) == 0


def test_cross_site_forms_are_refused_even_with_a_session_and_its_token(gateway):
    from tests.gateway._spa_fixtures import PASSWORD

    app, client, settings = gateway
    _seed(settings)
    page = client.get("/spa/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"csrf_token": token, "email": "jo@council.example", "password": PASSWORD}
    assert client.post("/spa/sign-in", data=form, headers=FOREIGN).status_code == 403  # no login CSRF
    signed_in = client.post("/spa/sign-in", data=form)
    assert signed_in.status_code == 303, signed_in.text[:300]
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/spa/").text).group(1)

    posts = [path for method, path in routes(app) if method == "POST" and path.startswith("/spa/")]
    assert len(posts) >= 4
    for path in posts:
        for headers in (FOREIGN, {"Origin": "null"}, {"Sec-Fetch-Site": "same-site"},
                        {"Origin": "http://testserver.evil.example"}):
            data = {"csrf_token": token, "status": "closed", "note": "from elsewhere", **form}
            response = client.post(concrete(path), data=data, headers=headers)
            assert response.status_code == 403, (path, headers, response.status_code)
            assert "another website" in response.text
    assert client.get("/spa/").status_code == 200  # still signed in: nothing happened
    with _session(settings) as db:
        assert db.scalar(select(Referral.status)) == "new"
        assert db.scalar(select(func.count()).select_from(ReferralNote)) == 0
        assert [a.action for a in db.scalars(select(AuditEntry))] == ["sign_in"]

    # the same form from the pages themselves is accepted
    same = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    saved = client.post(f"/spa/referrals/{REFERENCE}/notes", data={"csrf_token": token, "note": "Called back."},
                        headers=same)
    assert saved.status_code == 303
    proxied = {"Origin": "https://send.council.example", "X-Forwarded-Host": "send.council.example"}
    behind_proxy = client.post(f"/spa/referrals/{REFERENCE}/notes",
                               data={"csrf_token": token, "note": "Via the proxy."}, headers=proxied)
    assert behind_proxy.status_code == 303
    with _session(settings) as db:
        assert db.scalar(select(func.count()).select_from(ReferralNote)) == 2


def _session(settings):
    from gateway.db import session_scope

    return session_scope(settings.database_url)
