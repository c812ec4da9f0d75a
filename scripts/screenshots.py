"""Screenshots of Kedja's pages as a demo person sees them, at 1280 px and 320 px, with Debian's Chromium.

    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8000 --as samordnare /goals/227/ /plans/227/

Run `make demo` (or `make run` on a demo database) first. PNGs go to var/screenshots/<person>/; the script
prints each file with the page's width in pixels, so a page that scrolls sideways shows at once. For the
demo's principal and teacher it enters the second factor from the published demo secret."""

import argparse
import re
from base64 import b32decode
from pathlib import Path

from django_otp.oath import totp
from playwright.sync_api import sync_playwright

DEMO_PASSWORD = "Kedja-demo-2026"
DEMO_TOTP_SECRET = "NNSWI2TBFVSGK3LPFV2G65DQFUZDAMRW"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--as", dest="person", default="samordnare")
    parser.add_argument("--widths", default="1280,320")
    options = parser.parse_args()
    out = Path("var/screenshots") / options.person
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(base_url=options.base, locale="sv-SE", timezone_id="Europe/Stockholm")
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("input[name=username]", f"{options.person}@kedja.example")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.goto("/accounts/second-factor/verify/")
        if page.locator("input[name=code]").count():
            page.fill("input[name=code]", f"{totp(b32decode(DEMO_TOTP_SECRET)):06d}")
            page.click("main button[type=submit]")
        for path in options.paths:
            for width in (int(w) for w in options.widths.split(",")):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(path)
                name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "start"
                file = out / f"{name}-{width}.png"
                page.screenshot(path=str(file), full_page=True)
                scroll = page.evaluate("() => document.documentElement.scrollWidth")
                print(f"{file}  page width {scroll} px in a {width} px window")
        browser.close()


if __name__ == "__main__":
    main()
