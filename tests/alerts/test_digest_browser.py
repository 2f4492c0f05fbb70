"""The digest as a reader sees it: the HTML part of the demo run's email, opened in headless
Chromium (tests/browser.py) from a loopback server. Structure, not pixels: a heading per story,
every alerted article a link to it, only http(s) links, nothing fetched from outside, and the
Hindi text drawn with a font that has Devanagari glyphs (no tofu). A screenshot is kept in the
test's tmp dir for a person to look at.
"""

from __future__ import annotations

import struct
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import psycopg
import pytest
from browser import fonts_for_language, glyph_widths, platform_fonts
from newswatch import pipeline
from newswatch.alerts import outbox
from newswatch.fixture_server import FixtureServer
from newswatch.text.urls import canonical_url
from psycopg.rows import dict_row

DEVANAGARI = range(0x0900, 0x0980)
SAMPLE_LETTERS = ["क", "ख", "म", "ट", "ण"]  # distinct widths in any real Devanagari font


@pytest.fixture
def demo_digest(db_url, demo_topic, tmp_path):
    """One demo run (the demo topic on the sample site, the DAG's stages in this process) with
    no SMTP server configured: the digest lands in the outbox as an .eml, as in `make demo`.
    Returns (the message, the articles it alerts: title, canonical_url, story_id, language)."""
    folder = tmp_path / "outbox"
    pipeline.run_once(demo_topic, outbox.outbox_deliverer(folder), db_url=db_url)
    [eml] = folder.glob("*.eml")
    with psycopg.connect(db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute("""SELECT a.title, a.canonical_url, a.story_id, a.language FROM alerts d
                       JOIN articles a ON a.id = ANY(d.article_ids) WHERE d.kind = 'digest'""")
        alerted = cur.fetchall()
    return message_from_bytes(eml.read_bytes(), policy=policy.default), alerted


@pytest.fixture
def digest_url(demo_digest, tmp_path):
    """The digest's HTML part served from a loopback HTTP server."""
    msg, _ = demo_digest
    site = tmp_path / "digest-site"
    site.mkdir()
    (site / "digest.html").write_text(msg.get_body(("html",)).get_content(), encoding="utf-8")
    with FixtureServer(site) as server:
        yield f"{server.base_url}/digest.html"


def test_the_demo_digest_in_a_browser_has_a_heading_per_story_links_and_real_devanagari(
        browser_page, demo_digest, digest_url, tmp_path):
    page = browser_page
    msg, alerted = demo_digest
    assert alerted, "the demo run alerted nothing: no digest to look at"
    answer = page.goto(digest_url)
    assert answer.status == 200
    assert page.title() == msg["Subject"]

    # one heading per story, in the digest's order of stories
    stories = {a["story_id"] for a in alerted}
    headings = [h.strip() for h in page.locator("h3").all_inner_texts()]
    story_headings = [h for h in headings if h.startswith(("New story", "Known story"))]
    assert len(story_headings) == len(stories), headings

    # every alerted article is a visible link to itself; every link is http(s)
    links = page.locator("a[href]")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs and all(urlsplit(h).scheme in ("http", "https") for h in hrefs), hrefs
    for article in alerted:
        link = page.get_by_role("link", name=article["title"], exact=True)
        assert link.count() >= 1 and link.first.is_visible(), article["title"]
        assert canonical_url(link.first.get_attribute("href")) == article["canonical_url"]
    assert page.blocked_requests == []  # no remote image, font or script

    # Hindi text: the fonts Chromium drew it with cover Devanagari, and its glyphs are not tofu
    hindi = [a for a in alerted if a["language"] == "hi"]
    assert hindi, "the demo digest has no Hindi article"
    devanagari_fonts = fonts_for_language("hi")
    assert devanagari_fonts, "no font on this machine covers Hindi: apt-get install fonts-noto-core"
    drawn = platform_fonts(page, 'li[lang="hi"] > strong > a')
    assert len(drawn) >= len(hindi)  # their titles (the "in the view" links are English)
    for fonts in drawn:
        main = max(fonts, key=lambda f: f["glyphCount"])
        assert main["familyName"] in devanagari_fonts, fonts
    widths = glyph_widths(page, 'li[lang="hi"] > strong > a', SAMPLE_LETTERS)
    assert len({round(w, 2) for w in widths["letters"]}) >= 3, widths
    assert not all(abs(w - widths["notdef"]) < 0.01 for w in widths["letters"]), widths
    assert any(ord(ch) in DEVANAGARI for ch in page.locator('li[lang="hi"] > strong > a').first.inner_text())

    # a screenshot for a person (structure was checked above; no pixel comparison)
    shot = tmp_path / "digest.png"
    page.screenshot(path=str(shot), full_page=True)
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 600 and height >= 600, (width, height)
    print(f"digest screenshot: {shot} ({width}x{height})")


PHONE = (390, 844)  # CSS pixels of a common phone
# Page height per listed development on a phone (CSS px): the demo's 10 developments in 9
# stories measured 4,306 px (in-sample: the layout was tuned on this digest); the issue found
# 4,900 px for 8 items at 900 px wide before.
PHONE_PX_PER_ITEM = 450


def test_the_demo_digest_on_a_phone_fits_the_width_and_stays_short(demo_digest, digest_url, tmp_path):
    from browser import chromium_page

    msg, alerted = demo_digest
    with chromium_page(tmp_path / "phone-profile", *PHONE) as (page, guard):
        assert page.goto(digest_url).status == 200
        size = page.evaluate("""() => ({scroll: document.documentElement.scrollWidth,
                                        client: document.documentElement.clientWidth,
                                        height: document.documentElement.scrollHeight})""")
        assert size["client"] == PHONE[0] and size["scroll"] <= size["client"], size  # no horizontal scroll
        assert size["height"] <= PHONE_PX_PER_ITEM * len(alerted), (size, len(alerted))
        # Devanagari drawn with a real font: the stack names one, and the browser has it
        assert "Noto Sans Devanagari" in page.evaluate("getComputedStyle(document.body).fontFamily")
        assert page.evaluate("document.fonts.check('16px \"Noto Sans Devanagari\"', 'क')")
        widths = glyph_widths(page, 'li[lang="hi"] > strong > a', SAMPLE_LETTERS)
        assert len({round(w, 2) for w in widths["letters"]}) >= 3, widths
        # each story: its headline, why each item is new, at most three claims, the rest behind the view
        stories = page.locator("h3").filter(has_text="story")
        assert stories.count() == len({a["story_id"] for a in alerted})
        for i in range(stories.count()):
            claims = stories.nth(i).locator("xpath=following-sibling::ol[1]//ul/li")
            assert claims.count() <= 3
        whys = page.locator("p.why")
        assert whys.count() == len(alerted)
        for i in range(whys.count()):  # a short line each: at most three lines at phone width
            box = whys.nth(i).bounding_box()
            assert box["height"] <= 3 * 1.4 * 16, (whys.nth(i).inner_text(), box)
        text = page.locator("body").inner_text()
        assert "nothing comparable known" not in text and "““" not in text
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        assert sum("/newswatch/topics/" in h for h in hrefs) >= len(alerted)  # every item links to the view
        assert any("/dags/newswatch__" in h and "/runs/" in h for h in hrefs), hrefs  # the footer: the Airflow run
        assert guard.blocked == []
        shot = tmp_path / "digest-phone.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"digest on a phone: {shot} ({size['client']}x{size['height']} CSS px, {len(alerted)} items)")
    plain = msg.get_body(("plain",)).get_content()
    assert plain.count("Why it is new: ") == len(alerted) and "/dags/newswatch__" in plain
