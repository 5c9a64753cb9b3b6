"""`make screenshots`: pictures of the widget at 1280 and 320 CSS px wide, so a person can see it
without running it. The whole stack runs for real on the sample council; Debian's chromium draws.

    python -m web_widget.screenshots --model models/local_offer.tar.gz --index var/index/sample_council --out docs/screenshots
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

WIDTHS = {1280: 800, 320: 640}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
REPLY_DONE = """([before]) => {
    const root = document.getElementById('local-offer-assistant').shadowRoot;
    return root.querySelectorAll('.lo-msg.lo-bot:not(.lo-welcome)').length > before
        && root.querySelector('.lo-log').getAttribute('aria-busy') !== 'true';
}"""
BOT_COUNT = """() => document.getElementById('local-offer-assistant').shadowRoot
    .querySelectorAll('.lo-msg.lo-bot:not(.lo-welcome)').length"""


def ask(page, text: str) -> None:
    before = page.evaluate(BOT_COUNT)
    page.locator("#lo-input").fill(text)
    page.keyboard.press("Enter")
    page.wait_for_function(REPLY_DONE, arg=[before])


def shoot(browser, url: str, width: int, out: Path) -> list[Path]:
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(60_000)
    taken = []

    def save(name: str) -> None:
        path = out / f"widget-{width}-{name}.png"
        page.screenshot(path=str(path))
        taken.append(path)

    page.goto(url + "/")
    page.locator("button.lo-launcher").wait_for()
    save("1-closed")
    page.locator("button.lo-launcher").click()
    ask(page, "What is SEN support in school?")
    save("2-cited-answer")
    ask(page, "Can someone from the SEND team contact me?")
    page.get_by_role("button", name="Yes, ask the SPA to contact me").click()
    page.get_by_role("button", name="Yes, that's OK").wait_for()
    ask(page, "yes")
    ask(page, "Sam Taylor")
    ask(page, "phone")
    ask(page, "12345")
    save("3-referral-error")
    page.get_by_role("button", name="Clear conversation").click()
    ask(page, "I'm at breaking point and I can't keep my child safe tonight")
    save("4-handoff")
    page.get_by_role("tab", name="Look something up").click()
    page.locator("#lo-q").fill("EHCP annual review")
    page.keyboard.press("Enter")
    page.locator(".lo-results h3").first.wait_for()
    save("5-lookup")
    page.get_by_role("button", name="Clear conversation").click()
    context.close()
    return taken


def main(argv: list[str] | None = None) -> None:
    from playwright.sync_api import sync_playwright

    from bot.stack import running_stack

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--chromium", default=os.environ.get("LOCAL_OFFER_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="local-offer-screenshots-"))
    env = {"DATABASE_URL": f"sqlite:///{workdir / 'gateway.sqlite3'}", "GATEWAY_SMTP_PORT": "1",
           "REFERRAL_SERVICE_SECRET": "screenshots-secret-value"}
    with running_stack(args.model, args.index, workdir=workdir, env=env, with_gateway=True) as stack, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True, args=ARGS)
        for width in WIDTHS:
            for path in shoot(browser, stack.gateway_url, width, args.out):
                print(path)
        browser.close()


if __name__ == "__main__":
    main()
