"""A real browser (Debian's chromium, driven by Playwright's Python package) on the demo council
site, served by the real gateway in front of the real Rasa server and action server.

Chromium: `LOCAL_OFFER_CHROMIUM` (default /usr/bin/chromium; `make setup` installs Debian's).
axe-core: `LOCAL_OFFER_AXE_JS` (default: the pinned copy `make setup` unpacks in var/vendor/).
When either is missing the tests skip with what to install; under CI=true they fail.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO_ROOT
from tests.stack_fixtures import require_model

AXE_DEFAULT = REPO_ROOT / "var/vendor/axe-core-4.10.3/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOST_JS = "() => document.getElementById('local-offer-assistant')"


def _missing(message: str):
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("LOCAL_OFFER_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).is_file():
        _missing(f"Chromium is not at {path}: install Debian's chromium (`apt-get install chromium`, "
                 "or `make setup` as root), or set LOCAL_OFFER_CHROMIUM")
    try:
        import playwright  # noqa: F401
    except ImportError:
        _missing("Playwright's Python package is missing: run `make setup`")
    return path


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = Path(os.environ.get("LOCAL_OFFER_AXE_JS", AXE_DEFAULT))
    if not path.is_file():
        _missing(f"axe-core is not at {path}: run `make setup` (it fetches the pinned copy from npm)")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class WidgetStack:
    url: str
    database: Path
    stack: object

    def referral_references(self) -> list[str]:
        with sqlite3.connect(self.database) as db:
            return [row[0] for row in db.execute("SELECT reference FROM referrals")]


@pytest.fixture(scope="session")
def widget_stack(sample_index: Path, tmp_path_factory) -> Iterator[WidgetStack]:
    from bot.stack import running_stack

    model = require_model()
    workdir = tmp_path_factory.mktemp("widget-stack")
    database = workdir / "gateway.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "REFERRAL_SERVICE_SECRET": "widget-test-secret-value",
           "REFERRAL_RETRY_SECONDS": "1", "GATEWAY_SMTP_PORT": "1"}
    with running_stack(model, sample_index, workdir=workdir / "stack", env=env, with_gateway=True) as stack:
        yield WidgetStack(url=stack.gateway_url, database=database, stack=stack)


@dataclass
class Recorder:
    """What a page asked for and what its console said, to check against the product's rules."""
    origin: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    allowed_elsewhere: set[str] = field(default_factory=set)

    def third_party(self) -> list[str]:
        return [u for u in self.requests
                if urlsplit(u).scheme in ("http", "https")
                and f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" != self.origin
                and urlsplit(u).netloc not in self.allowed_elsewhere]


def new_page(browser, widget_stack: WidgetStack, **context_options):
    context = browser.new_context(viewport=context_options.pop("viewport", {"width": 1280, "height": 800}),
                                  **context_options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    recorder = Recorder(origin=widget_stack.url)
    page.on("request", lambda request: recorder.requests.append(request.url))
    # errors raised by code the tests evaluate (axe-core) have no URL; the page's own have one
    page.on("console", lambda msg: recorder.console_errors.append(msg.text)
            if msg.type == "error" and msg.location.get("url") else None)
    return context, page, recorder


@pytest.fixture()
def site(browser, widget_stack):
    """A fresh browser context on the demo site; afterwards, no third-party request and no
    Content-Security-Policy violation may have happened."""
    context, page, recorder = new_page(browser, widget_stack)
    yield page, recorder
    context.close()
    assert recorder.third_party() == [], "requests to other sites"
    assert not [e for e in recorder.console_errors if "Content Security Policy" in e], recorder.console_errors


# ----- helpers used by the tests --------------------------------------------------------------

def run_axe(page, axe_source: str, context: str = "document") -> list[dict]:
    """axe-core's violations for the page (open shadow roots included) under the WCAG 2.2 AA tags.
    The library is evaluated over the DevTools protocol, which the page's CSP does not govern."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source + "\n;0")
    result = page.evaluate(
        """async ([context, tags]) => {
            const r = await axe.run(context === 'document' ? document : context,
                                    {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }""",
        [context, AXE_TAGS],
    )
    return result


def assert_no_violations(page, axe_source: str, where: str) -> None:
    violations = run_axe(page, axe_source)
    assert violations == [], f"axe-core found WCAG 2.2 AA violations ({where}):\n" + json.dumps(violations, indent=1)


def focused_in_widget(page) -> dict | None:
    """What has focus inside the widget's shadow root (tag, class, text), or None."""
    return page.evaluate(f"""() => {{
        const host = ({HOST_JS})();
        const el = host && host.shadowRoot.activeElement;
        return el ? {{tag: el.tagName.toLowerCase(), cls: el.className, text: el.textContent.trim(),
                     id: el.id}} : null;
    }}""")


def bot_messages(page) -> list[str]:
    return page.evaluate(f"""() => Array.from(({HOST_JS})().shadowRoot.querySelectorAll('.lo-msg.lo-bot:not(.lo-welcome)'))
        .map(m => m.innerText)""")


def wait_for_reply(page, before: int) -> str:
    page.wait_for_function(f"""([before]) => {{
        const root = ({HOST_JS})().shadowRoot;
        return root.querySelectorAll('.lo-msg.lo-bot:not(.lo-welcome)').length > before
            && root.querySelector('.lo-log').getAttribute('aria-busy') !== 'true';
    }}""", arg=[before])
    return "\n".join(bot_messages(page)[before:])  # every reply of the turn


def say(page, text: str) -> str:
    """Type into the focused message box with the keyboard, press Enter, return the reply."""
    before = len(bot_messages(page))
    assert (focused_in_widget(page) or {}).get("id") == "lo-input", "the message box should have focus"
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    return wait_for_reply(page, before)


def tab_to(page, predicate, limit: int = 60) -> dict:
    """Press Tab until the widget element that `predicate` accepts has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = focused_in_widget(page)
        if focused and predicate(focused):
            return focused
    raise AssertionError("never reached with Tab")
