"""A council page that quotes script and markup as text, and gives prompt-style instructions, seen
through the widget in Debian's chromium: the characters are shown, nothing runs, no link is added.

The whole stack is the real one (gateway, Rasa, action server) on an index built from that page
(tests/hostile_documents.py): the lookup tab reads the gateway's /api/search, the chat is answered
by the action server's composer quoting the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.hostile_documents import (
    IMG_PAYLOAD,
    INSTRUCTION,
    PAGE_URL,
    QUESTION,
    SCRIPT_PAYLOAD,
    SECTION,
    TITLE,
)
from tests.stack_fixtures import require_model
from tests.widget.conftest import HOST_JS, WidgetStack, bot_messages, wait_for_reply

pytestmark = pytest.mark.slow

LAUNCHER = "button.lo-launcher"
RAN = f"""() => ({{
    pwned: window.__pwned === undefined ? null : window.__pwned,
    elements: ({HOST_JS})().shadowRoot.querySelectorAll(
        'script, img, svg, [onerror], [onload], [onmouseover]').length
}})"""


@pytest.fixture(scope="module")
def widget_stack(hostile_index: Path, tmp_path_factory):
    """The real stack on the hostile index (overrides the session stack of tests/widget/conftest.py
    for this module, so its `site` fixture and checks apply unchanged)."""
    from bot.stack import running_stack

    model = require_model()
    workdir = tmp_path_factory.mktemp("hostile-widget")
    database = workdir / "gateway.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "REFERRAL_SERVICE_SECRET": "hostile-widget-secret-value",
           "GATEWAY_SMTP_PORT": "1"}
    with running_stack(model, hostile_index, workdir=workdir / "stack", env=env, with_gateway=True) as stack:
        yield WidgetStack(url=stack.gateway_url, database=database, stack=stack)


def watch(page) -> list[str]:
    """Dialogs the page opens (alert, confirm...), dismissed and recorded."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


def assert_nothing_ran(page, recorder, dialogs: list[str]) -> None:
    page.wait_for_load_state("networkidle")  # time for an injected image to fail and fire onerror
    assert page.evaluate(RAN) == {"pwned": None, "elements": 0}
    assert dialogs == []
    assert not [u for u in recorder.requests if u.endswith("/x")], "the quoted <img src=x> was loaded"


def test_lookup_shows_quoted_markup_as_text_and_runs_nothing(site, widget_stack):
    page, recorder = site
    dialogs = watch(page)
    page.goto(widget_stack.url + "/")
    page.locator(LAUNCHER).click()
    page.get_by_role("tab", name="Look something up").click()
    page.locator("#lo-q").fill(QUESTION)
    page.locator("#lo-q").press("Enter")
    result = page.locator(".lo-results ol .lo-result").first
    expect(result.get_by_text(SCRIPT_PAYLOAD)).to_be_visible()
    expect(result.get_by_text(IMG_PAYLOAD)).to_be_visible()
    expect(result.get_by_role("link", name=TITLE)).to_have_attribute("href", PAGE_URL)
    expect(result.locator(".lo-source-meta")).to_contain_text(SECTION)
    assert_nothing_ran(page, recorder, dialogs)


def test_a_cited_answer_quoting_the_page_shows_text_and_adds_no_links(site, widget_stack):
    page, recorder = site
    dialogs = watch(page)
    page.goto(widget_stack.url + "/")
    page.locator(LAUNCHER).click()
    page.locator("#lo-input").fill(QUESTION)
    page.locator("#lo-input").press("Enter")
    wait_for_reply(page, 0)
    answer = page.locator(".lo-msg.lo-bot:not(.lo-welcome)").last
    expect(answer.get_by_text(IMG_PAYLOAD)).to_be_visible()
    expect(answer.get_by_role("link", name=TITLE)).to_be_visible()
    assert INSTRUCTION in bot_messages(page)[-1]
    links = answer.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert links == [PAGE_URL], "the only link is the cited page; the quoted number and address stay text"
    assert_nothing_ran(page, recorder, dialogs)
