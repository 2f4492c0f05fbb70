"""A real headless browser for the tests: Debian's Chromium (/usr/bin/chromium, package
`chromium`; fonts from `fonts-noto-core`) driven by Playwright from PyPI. Playwright never
downloads a browser here: it is pointed at the system binary with `executable_path`.

The page only ever reaches loopback: every other request is refused and recorded
(`LoopbackOnly.blocked`), so a page that pulls in a remote font, image or script shows up.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path(os.environ.get("NEWSWATCH_CHROMIUM", "/usr/bin/chromium"))
# Chromium as this machine's probe runs it: no sandbox as root, and no background traffic to
# Google's hosts (the closed network refuses it, many connections at a time).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INSTALL_HINT = ("apt-get install -y --no-install-recommends chromium fonts-noto-core "
                "(.ci/run installs them when missing)")


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is not installed at {CHROMIUM}; the browser tests need it: {INSTALL_HINT}"
    return None


class LoopbackOnly:
    """A Playwright route handler: loopback and data:/about: go through, the rest is aborted."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    def __call__(self, route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "about", "blob") or _is_loopback(parts.hostname or ""):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@contextmanager
def chromium_page(profile_dir: Path, width: int = 1000, height: int = 800) -> Iterator[tuple[object, LoopbackOnly]]:
    """A Playwright Page in a fresh Chromium profile (`profile_dir`, made empty), and the
    loopback guard that records what it refused."""
    from playwright.sync_api import sync_playwright

    if missing := chromium_missing():
        raise RuntimeError(missing)
    shutil.rmtree(profile_dir, ignore_errors=True)
    profile_dir.mkdir(parents=True)
    guard = LoopbackOnly()
    with sync_playwright() as playwright:
        # A persistent context is how Playwright takes a user-data-dir of our choosing.
        context = playwright.chromium.launch_persistent_context(
            str(profile_dir), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height}, locale="en-US")
        try:
            context.route("**/*", guard)
            page = context.pages[0] if context.pages else context.new_page()
            yield page, guard
        finally:
            context.close()


def platform_fonts(page, selector: str) -> list[list[dict]]:
    """For each element matching `selector`, the fonts Chromium really drew its text with
    (DevTools' CSS.getPlatformFontsForNode: family, glyph count), after fallback."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]
        return [cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"] for node in nodes]
    finally:
        cdp.detach()


def fonts_for_language(lang: str) -> set[str]:
    """Font families installed on this machine that cover a language (fontconfig's view)."""
    listed = subprocess.run(["fc-list", f":lang={lang}", "family"], capture_output=True, text=True, check=False)
    return {family.strip() for line in listed.stdout.splitlines() for family in line.split(",") if family.strip()}


# Canvas widths in the element's own computed font: a missing glyph is drawn as the same
# .notdef box whatever the character, so distinct letters of one width equal to an unassigned
# code point's are tofu.
GLYPH_WIDTHS_JS = """
([element, letters]) => {
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = getComputedStyle(element).font;
  const width = (s) => ctx.measureText(s).width;
  return {font: ctx.font, notdef: width('\\u{E000}'), letters: letters.map(width)};
}
"""


def glyph_widths(page, selector: str, letters: list[str]) -> dict:
    element = page.locator(selector).first.element_handle()
    return page.evaluate(GLYPH_WIDTHS_JS, [element, letters])
