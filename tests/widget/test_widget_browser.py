"""The widget in Debian's chromium on the demo council site, against the real gateway, Rasa
server and action server: keyboard-only use, a cited answer, a referral, the handoff screen,
the lookup tab, persistence across pages, "Exit this page", an unreachable gateway, small
screens, focus never hidden, and axe-core (WCAG 2.2 AA) at each of those states."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.widget.conftest import (
    HOST_JS,
    assert_no_violations,
    bot_messages,
    focused_in_widget,
    new_page,
    say,
    tab_to,
    wait_for_reply,
)

LAUNCHER = "button.lo-launcher"


def open_with_keyboard(page) -> None:
    tab_to(page, lambda f: "lo-launcher" in f["cls"])
    page.keyboard.press("Enter")
    expect(page.locator("#lo-panel")).to_be_visible()
    assert focused_in_widget(page)["id"] == "lo-input", "opening moves focus into the message box"


def test_keyboard_only_question_gets_a_cited_answer(site, widget_stack, axe_source):
    page, _ = site
    page.goto(widget_stack.url + "/")
    expect(page.locator(LAUNCHER)).to_be_visible()
    expect(page.locator(LAUNCHER)).to_have_accessible_name(re.compile("Ask about SEND support"))
    assert_no_violations(page, axe_source, "demo page, widget closed")

    open_with_keyboard(page)
    expect(page.locator(".lo-council")).to_have_text("Brackenmoor Borough Council")
    reply = say(page, "What is SEN support in school?")
    assert "Brackenmoor" in reply or "SEN support" in reply
    answer = page.locator(".lo-msg.lo-bot").last
    expect(answer.locator(".lo-vh").first).to_have_text("Assistant said: ")
    sources = answer.locator(".lo-source-list li")
    expect(sources.first).to_be_visible()
    first_source = sources.first.inner_text()
    assert "Brackenmoor Borough Council" in first_source and "updated" in first_source
    assert re.search(r"\d{1,2} \w+ 20\d\d", first_source), "the document's date is shown"
    expect(sources.first.locator("a")).to_have_attribute("href", re.compile(r"^https://"))
    # announced once, politely, with the speaker
    expect(page.locator("[aria-live=polite]")).to_have_text(re.compile(r"^Assistant: "))
    expect(page.locator("[role=log]")).to_have_attribute("aria-live", "off")
    # message bubbles are not focusable
    assert page.evaluate(f"() => Array.from(({HOST_JS})().shadowRoot.querySelectorAll('.lo-msg'))"
                         ".every(m => m.tabIndex < 0)")
    assert_no_violations(page, axe_source, "widget open with a cited answer")

    # nothing traps the keyboard: Tab carries on out of the panel into the page
    left = False
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => document.activeElement !== ({HOST_JS})()"):
            left = True
            break
    assert left, "Tab never leaves the panel"
    page.locator("#lo-input").focus()
    page.keyboard.press("Escape")
    expect(page.locator("#lo-panel")).to_be_hidden()
    assert "lo-launcher" in focused_in_widget(page)["cls"], "Escape returns focus to the launcher"
    ring = page.locator(LAUNCHER).evaluate("e => getComputedStyle(e).outlineWidth + ' ' + getComputedStyle(e).outlineStyle")
    assert ring.split()[1] == "solid" and float(ring.split()[0].rstrip("px")) >= 2, "a visible focus indicator"


def test_referral_with_an_invalid_then_a_valid_phone_number(site, widget_stack, axe_source):
    page, _ = site
    page.goto(widget_stack.url + "/")
    open_with_keyboard(page)
    reply = say(page, "Can someone from the SEND team contact me please?")
    assert "SPA" in reply or "contact" in reply.lower()
    before = len(bot_messages(page))
    page.get_by_role("button", name=re.compile("ask the SPA to contact me|Yes, please contact me")).click()
    reply = wait_for_reply(page, before)
    assert "Is that OK?" in reply
    before = len(bot_messages(page))
    consent = page.get_by_role("button", name="Yes, that's OK")
    consent.focus()
    page.keyboard.press("Enter")  # keyboard on a quick reply
    wait_for_reply(page, before)
    assert focused_in_widget(page)["id"] == "lo-input", "focus returns to the message box"
    expect(page.locator("label[for=lo-input]")).to_have_text("Your name")
    expect(page.locator("#lo-input")).to_have_attribute("autocomplete", "name")
    say(page, "Sam Taylor")
    say(page, "phone")
    expect(page.locator("label[for=lo-input]")).to_have_text("Your phone number")
    expect(page.locator("#lo-input")).to_have_attribute("inputmode", "tel")

    reply = say(page, "12345")
    assert "doesn't look like a UK phone number" in reply
    error = page.locator("#lo-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("doesn't look like a UK phone number")
    expect(page.locator("#lo-input")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#lo-input")).to_have_attribute("aria-describedby", re.compile("lo-error"))
    assert_no_violations(page, axe_source, "referral form with an error")

    say(page, "01632 960 999")
    expect(page.locator("#lo-error")).to_be_hidden()
    expect(page.locator("#lo-input")).not_to_have_attribute("aria-invalid", "true")
    say(page, "8")
    say(page, "skip")
    say(page, "He needs help with reading and the school says he is fine")
    reply = say(page, "soon")
    assert "Please check these details" in reply and "Sam Taylor" in reply
    before = len(bot_messages(page))
    page.get_by_role("button", name="Yes, send it").click()
    reply = wait_for_reply(page, before)
    reference = page.locator(".lo-reference strong")
    expect(reference).to_have_text(re.compile(r"^SPA-[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    assert reference.inner_text() in widget_stack.referral_references(), "the gateway stored the referral"


def test_handoff_screen_gives_tappable_crisis_contacts(site, widget_stack, axe_source):
    page, _ = site
    page.goto(widget_stack.url + "/")
    open_with_keyboard(page)
    say(page, "my son says he wants to kill himself")
    card = page.locator(".lo-handoff").last
    expect(card).to_be_visible()
    expect(card.locator(".lo-handoff-title")).to_have_text("Please talk to someone now")
    expect(card.locator('a[href="tel:999"]').first).to_be_visible()
    expect(card.locator('a[href="tel:08001111"]')).to_have_text("0800 1111")  # Childline
    expect(card.locator('a[href="tel:116123"]')).to_be_visible()  # Samaritans
    assert card.locator(".lo-source-list").count() == 0, "no knowledge-base answer at a handoff"
    expect(page.get_by_role("button", name="Yes, please contact me")).to_be_visible()
    expect(page.locator("[aria-live=polite]")).to_have_text(re.compile(r"^Important\. Assistant: "))
    assert_no_violations(page, axe_source, "handoff screen")


def test_lookup_tab_searches_documents_and_glossary(site, widget_stack, axe_source):
    page, _ = site
    page.goto(widget_stack.url + "/")
    open_with_keyboard(page)
    tab_to(page, lambda f: f["id"] == "lo-tab-chat")
    page.keyboard.press("ArrowRight")
    assert focused_in_widget(page)["id"] == "lo-tab-lookup"
    expect(page.get_by_role("tab", name="Look something up")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#lo-panel-lookup")).to_be_visible()
    expect(page.locator("#lo-panel-chat")).to_be_hidden()
    tab_to(page, lambda f: f["id"] == "lo-q")
    page.keyboard.type("EHCP annual review")
    page.keyboard.press("Enter")
    expect(page.locator(".lo-status")).to_have_text(re.compile(r"^\d+ results? for"))
    results = page.locator(".lo-results")
    expect(results.get_by_role("heading", name="Glossary")).to_be_visible()
    expect(results.get_by_text(re.compile("education, health and care plan", re.IGNORECASE)).first).to_be_visible()
    expect(results.get_by_role("heading", name="From the council's documents")).to_be_visible()
    expect(results.locator("ol .lo-source-meta").first).to_contain_text("Brackenmoor Borough Council")
    assert_no_violations(page, axe_source, "lookup tab with results")


def test_conversation_survives_other_pages_and_reloads(site, widget_stack):
    page, _ = site
    page.goto(widget_stack.url + "/")
    open_with_keyboard(page)
    say(page, "how long does an EHC needs assessment take?")
    page.get_by_role("link", name="SEN support in school").first.click()
    page.wait_for_url("**/demo/sen-support.html")
    expect(page.locator("#lo-panel")).to_be_visible()
    expect(page.locator(".lo-msg.lo-user")).to_have_text(re.compile("how long does an EHC needs assessment take"))
    page.reload()
    expect(page.locator(".lo-msg.lo-user")).to_have_count(1)
    stored = page.evaluate("() => Object.keys(sessionStorage)")
    assert stored == [f"local-offer-assistant:{widget_stack.url}"]
    assert page.evaluate("() => document.cookie") == "", "no cookies"
    # the session continues on the server too: the next turn carries the same session id
    page.locator("#lo-input").focus()
    session = page.evaluate(f"() => JSON.parse(sessionStorage.getItem('local-offer-assistant:{widget_stack.url}')).sessionId")
    say(page, "thank you")
    assert page.evaluate(f"() => JSON.parse(sessionStorage.getItem('local-offer-assistant:{widget_stack.url}')).sessionId") == session

    page.get_by_role("button", name="Clear conversation").click()
    expect(page.locator(".lo-msg.lo-user")).to_have_count(0)
    assert focused_in_widget(page)["id"] == "lo-input"


def test_exit_this_page_leaves_at_once_and_forgets(site, widget_stack):
    page, recorder = site
    recorder.allowed_elsewhere.add("www.bbc.co.uk")  # the neutral page the parent escapes to
    page.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>Weather</title><h1>Weather</h1>"))
    page.goto(widget_stack.url + "/")
    open_with_keyboard(page)
    say(page, "what is an EHCP")
    tab_to(page, lambda f: f["text"] == "Exit this page", limit=80)
    page.keyboard.press("Enter")
    page.wait_for_url("https://www.bbc.co.uk/weather")
    page.go_back()  # location.replace(): Back does not return to the council's page
    assert not page.url.startswith(widget_stack.url)
    page.goto(widget_stack.url + "/")
    expect(page.locator(LAUNCHER)).to_be_visible()
    stored = page.evaluate("() => Object.values(sessionStorage).map(JSON.parse)")
    assert all(not s["messages"] and s["sessionId"] is None for s in stored), "nothing of the conversation is kept"
    page.locator(LAUNCHER).click()
    expect(page.locator(".lo-msg.lo-user")).to_have_count(0)


def test_unreachable_gateway_shows_contacts_and_retry_loses_nothing(site, widget_stack, axe_source):
    page, _ = site
    page.goto(widget_stack.url + "/")
    open_with_keyboard(page)
    page.route("**/api/chat", lambda route: route.abort("connectionrefused"))  # the network fails
    before = len(bot_messages(page))
    page.keyboard.type("what is a SENCO")
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    card = page.locator(".lo-unavailable")
    expect(card).to_contain_text("can't be reached")
    expect(card.locator('a[href="tel:01632960100"]')).to_be_visible()
    expect(card.locator('a[href="mailto:spa@brackenmoor.example"]')).to_be_visible()
    expect(card.locator('a[href="tel:999"]')).to_be_visible()
    expect(page.locator(".lo-not-sent")).to_have_text("Not sent yet")
    assert_no_violations(page, axe_source, "unavailable screen")

    page.unroute("**/api/chat")  # the network is back
    before = len(bot_messages(page))
    page.get_by_role("button", name="Try again").click()
    page.wait_for_function(f"""() => {{
        const root = ({HOST_JS})().shadowRoot;
        return !root.querySelector('.lo-unavailable') && root.querySelectorAll('.lo-source-list').length > 0;
    }}""")
    expect(page.locator(".lo-msg.lo-user")).to_have_count(1)
    expect(page.locator(".lo-not-sent")).to_have_count(0)


def test_small_screen_reflows_and_targets_are_big_enough(browser, widget_stack, axe_source):
    # 320 CSS px wide: also what a 1280 px window shows at 400% zoom
    context, page, recorder = new_page(browser, widget_stack, viewport={"width": 320, "height": 640})
    try:
        page.goto(widget_stack.url + "/")
        assert_no_violations(page, axe_source, "320 px, widget closed")
        open_with_keyboard(page)
        say(page, "What is ordinarily available provision?")
        fit = page.evaluate(f"""() => {{
            const root = ({HOST_JS})().shadowRoot;
            const panel = root.querySelector('#lo-panel').getBoundingClientRect();
            const overflowing = Array.from(root.querySelectorAll('#lo-panel *'))
                .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'hidden'
                             && e.clientWidth > 0 && !['TEXTAREA', 'INPUT'].includes(e.tagName))
                .map(e => e.className || e.tagName);
            const small = Array.from(root.querySelectorAll('button, input, textarea'))
                .filter(e => e.offsetParent !== null)
                .map(e => e.getBoundingClientRect())
                .filter(r => r.width < 24 || r.height < 24).length;
            return {{left: panel.left, right: panel.right, width: window.innerWidth, overflowing, small}};
        }}""")
        assert fit["left"] >= 0 and fit["right"] <= fit["width"], fit
        assert fit["overflowing"] == [], "content scrolls sideways at 320 px"
        assert fit["small"] == 0, "targets under 24 by 24 CSS px"
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        assert_no_violations(page, axe_source, "320 px, widget open with an answer")
    finally:
        context.close()
    assert recorder.third_party() == []


def test_focus_is_never_hidden_behind_the_widget(site, widget_stack):
    page, _ = site
    page.goto(widget_stack.url + "/")
    page.locator(LAUNCHER).click()
    expect(page.locator("#lo-panel")).to_be_visible()
    page.evaluate("() => document.activeElement.blur()")
    page.locator("body").focus()
    hidden = []
    for _ in range(40):
        page.keyboard.press("Tab")
        state = page.evaluate(f"""() => {{
            const el = document.activeElement;
            if (!el || el === document.body || el === ({HOST_JS})()) return null;
            const r = el.getBoundingClientRect();
            const root = ({HOST_JS})().shadowRoot;
            const box = root.querySelector('#lo-panel').hidden ? root.querySelector('.lo-launcher') : root.querySelector('#lo-panel');
            const w = box.getBoundingClientRect();
            const inside = r.left >= w.left && r.right <= w.right && r.top >= w.top && r.bottom <= w.bottom;
            const offscreen = r.bottom <= 0 || r.top >= window.innerHeight;
            return {{text: el.textContent.trim().slice(0, 40), hidden: inside || offscreen}};
        }}""")
        if state and state["hidden"]:
            hidden.append(state["text"])
    assert hidden == [], "focused page elements hidden behind the widget"


def test_bot_and_parent_text_never_becomes_markup(site, widget_stack):
    page, _ = site
    page.goto(widget_stack.url + "/")
    open_with_keyboard(page)
    say(page, '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> what is sen support')
    expect(page.locator(".lo-msg.lo-user")).to_contain_text("<img src=x")
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.evaluate(f"() => ({HOST_JS})().shadowRoot.querySelectorAll('img, script').length") == 0


@pytest.mark.parametrize(("accent", "text", "refused", "background"), [
    ("#ffff00", "#ffffff", True, "rgb(29, 79, 145)"),  # yellow and white: unreadable, refused
    ("#00703c", "#ffffff", False, "rgb(0, 112, 60)"),  # dark green and white: readable
])
def test_council_colours_are_checked_for_contrast(site, widget_stack, accent, text, refused, background):
    page, _ = site
    page.route(widget_stack.url + "/demo/theme-test", lambda route: route.fulfill(
        status=200, content_type="text/html",
        body=(f'<!doctype html><html lang="en"><title>Theme</title><h1>Theme</h1>'
              f'<script src="/widget.js" data-council="brackenmoor" data-position="left" '
              f'data-accent="{accent}" data-accent-text="{text}"></script></html>')))
    page.goto(widget_stack.url + "/demo/theme-test")
    expect(page.locator(LAUNCHER)).to_be_visible()
    assert page.evaluate("() => window.LocalOfferAssistant.coloursRefused") is refused
    assert page.locator(LAUNCHER).evaluate("e => getComputedStyle(e).backgroundColor") == background
    box = page.locator(LAUNCHER).bounding_box()
    assert box["x"] < 100, "data-position=left puts the launcher on the left"


def test_without_javascript_the_page_links_to_the_send_pages(browser, widget_stack):
    context, page, _ = new_page(browser, widget_stack, java_script_enabled=False)
    try:
        page.goto(widget_stack.url + "/")
        link = page.get_by_role("link", name="read the council's SEND pages")
        expect(link).to_be_visible()
        expect(link).to_have_attribute("href", "https://localoffer.brackenmoor.example/send/")
    finally:
        context.close()


def test_reduced_motion_turns_the_opening_animation_off(browser, widget_stack):
    for motion, expected in (("reduce", "none"), ("no-preference", "lo-rise")):
        context, page, _ = new_page(browser, widget_stack, reduced_motion=motion)
        try:
            page.goto(widget_stack.url + "/")
            page.locator(LAUNCHER).click()
            assert page.locator("#lo-panel").evaluate("e => getComputedStyle(e).animationName") == expected
        finally:
            context.close()
