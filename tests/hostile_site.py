"""A hostile web on loopback, written by us in the shapes issue 11 found on the real one: the
demo site plus a feed whose entries and pages hit every crash and gap of the issue, a feed
that makes the feed step itself fail unexpectedly (with `inject_bugs`), and the demo's broken
feed. `topic_file` writes a topic in another folder that `extends:` the demo topic (so its
seed_dir is resolved relative to the file that sets it)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DEMO_SITE, DEMO_TOPIC

RELEVANT = "Russia and North Korea"
LEAD = "Officials in Moscow and Pyongyang described a new round of military cooperation."
WORDS = ("engineers factory shipment port winter talks delegation railway border envoy treaty artillery shells "
         "drones satellite launch site coast harbour convoy cargo minister general colonel briefing statement "
         "report agency analysts images warehouse runway pilots training exercise radar battery division "
         "ministry embassy visit summit pact roadmap production plant workers fuel trucks bridge tunnel river "
         "valley province capital spokesman reporters sources documents letter invitation ceremony").split()


def prose(title: str, paragraphs: int = 4) -> list[str]:
    """Text no other page shares (a seeded shuffle of words): pages must not dedupe each other."""
    import random

    rng = random.Random(title)
    out = []
    for _ in range(paragraphs):
        words = [rng.choice(WORDS) for _ in range(60)]
        sentences = [" ".join(words[i:i + 12]).capitalize() + "." for i in range(0, 60, 12)]
        out.append(" ".join(sentences))
    return out


def page(title: str, *, head: str = "", body: str = "", paragraphs: int = 4) -> str:
    text = f"<p>{LEAD}</p>" + "".join(f"<p>{p}</p>" for p in prose(title, paragraphs))
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><article><h1>{title}</h1><p class='byline'>By Test Desk</p>{text}{body}</article></body></html>")


def item(title: str, link: str | None, guid: str | None = None, date: str = "Fri, 20 Nov 2026 08:00:00 GMT",
         description: str | None = None) -> str:
    parts = [f"<title>{title}</title>"]
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if guid is not None:
        parts.append(f"<guid isPermaLink='false'>{guid}</guid>")
    parts.append(f"<pubDate>{date}</pubDate><description>{description or f'{RELEVANT} weapons deal: {title}'}"
                 "</description>")
    return "<item>" + "".join(parts) + "</item>"


def rss(items: list[str]) -> str:
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Hostile Wire</title>"
            "<link>http://example.org/</link><description>d</description>" + "".join(items) + "</channel></rss>")


# (feed item, what it exercises); links use __BASE_URL__, replaced by the fixture server
HOSTILE_ITEMS = [
    (item(f"{RELEVANT} sign artillery pact, a healthy page", "__BASE_URL__/hostile/good.html", "h-good"), "good"),
    (item(f"{RELEVANT} missile link with a broken IPv6 host", "http://[::1/x", "h-ipv6"), "broken_ipv6_link"),
    (item(f"{RELEVANT} missile page redirecting to port 99999", "__BASE_URL__/go/bad-port", "h-port"), "bad_port_redirect"),
    (item(f"{RELEVANT} missile page with an ImageObject url list", "__BASE_URL__/hostile/imageobject.html",
          "h-imageobject"), "jsonld_image_list"),
    (item(f"{RELEVANT} missile page with deeply nested JSON-LD", "__BASE_URL__/hostile/deep-jsonld.html",
          "h-deep"), "jsonld_deep"),
    (item(f"{RELEVANT} missile page whose extractor fails", "__BASE_URL__/hostile/injected.html", "h-injected"),
     "injected_page_bug"),
    (item(f"{RELEVANT} missile entry INJECT-ENTRY-BUG", "__BASE_URL__/hostile/entry-bug.html", "h-entry-bug"),
     "injected_entry_bug"),
    (item(f"{RELEVANT} &lt;b&gt;missile&lt;/b&gt; talks &amp; fields", "__BASE_URL__/hostile/fields.html",
          "h-fields"), "hostile_fields"),
    (item(f"{RELEVANT} missile note without a link", None), "no_link_twice"),
    (item(f"{RELEVANT} missile note without a link", None), "no_link_twice"),
    (item(f"{RELEVANT} artillery pact, the same GUID again", "__BASE_URL__/hostile/good-copy.html", "h-good"),
     "duplicate_guid_other_link"),
    (item("Cricket: a test match report", "__BASE_URL__/hostile/cricket.html", "h-cricket",
          description="Five days of rain and a draw"), "irrelevant"),
]

FIELDS_HEAD = ("<meta property='og:site_name' content='&lt;img src=x onerror=alert(1)&gt;'>"
               "<meta property='og:image' content='javascript:alert(2)'>"
               "<meta name='author' content='&lt;script&gt;alert(3)&lt;/script&gt;Test Desk'>")
IMAGEOBJECT_HEAD = ('<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
                    '"headline":"Russia and North Korea missile page with an ImageObject url list",'
                    '"image":{"@type":"ImageObject","url":["https://img.example/1.jpg","https://img.example/2.jpg"]}}'
                    '</script>')
DEEP_HEAD = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"


def build(folder: Path) -> Path:
    """The demo site plus the hostile feeds and pages; returns the site folder."""
    site = folder / "site"
    shutil.copytree(DEMO_SITE, site)
    (site / "hostile").mkdir()
    (site / "feeds" / "hostile.xml").write_text(rss([i for i, _ in HOSTILE_ITEMS]), encoding="utf-8")
    (site / "feeds" / "feed-bug.xml").write_text(
        rss([item(f"{RELEVANT} missile entry of a feed that fails", "__BASE_URL__/hostile/good.html", "fb-1")]),
        encoding="utf-8")
    pages = {
        "good.html": page("Russia and North Korea sign artillery pact"),
        "imageobject.html": page("Russia and North Korea missile page with an ImageObject url list",
                                 head=IMAGEOBJECT_HEAD),
        "deep-jsonld.html": page("Russia and North Korea missile page with deeply nested JSON-LD", head=DEEP_HEAD),
        "injected.html": page("Russia and North Korea missile page whose extractor fails"),
        "entry-bug.html": page("Russia and North Korea missile entry page"),
        "fields.html": page("Russia &amp; North Korea: &lt;b&gt;missile&lt;/b&gt; talks", head=FIELDS_HEAD),
        "good-copy.html": page("Russia and North Korea artillery pact, another copy"),
    }
    for name, html in pages.items():
        (site / "hostile" / name).write_text(html, encoding="utf-8")
    return site


def topic_file(folder: Path, extra_feeds: list[tuple[str, str]] | None = None) -> Path:
    """A topic in its own folder extending the demo topic: the hostile feed, the feed-bug feed,
    the demo's Hindi feed and its broken feed."""
    feeds = [("Hostile Wire (en)", "feeds/hostile.xml", "en"), ("Feed Bug (en)", "feeds/feed-bug.xml", "en"),
             ("Samachar Darpan (hi)", "feeds/hindi-news.xml", "hi"), ("Broken Wire (en)", "feeds/broken.xml", "en"),
             *(extra_feeds or [])]
    topic_dir = folder / "topics"
    topic_dir.mkdir(parents=True, exist_ok=True)
    path = topic_dir / "hostile.yaml"
    lines = [f"extends: {DEMO_TOPIC}", "feeds:"]
    lines += [f'  - {{name: "{name}", url: "${{NEWSWATCH_DEMO_BASE_URL}}/{url}", language: {lang}}}'
              for name, url, lang in feeds]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


INJECT_SOURCE = '''
"""Test scaffolding (issue 11): simulate bugs nobody has found yet, one per level, in this process."""
import newswatch.ingest.feeds as _feeds
import newswatch.extract.pages as _pages
import newswatch.ingest.relevance as _relevance

_extract = _pages.extract_article
_parse = _feeds.parse_feed
_score = _relevance.RelevanceScorer.score


def _extract_bug(body, url, *args, **kwargs):
    if url.endswith("/hostile/injected.html"):
        raise RuntimeError("simulated extractor bug")
    return _extract(body, url, *args, **kwargs)


def _parse_bug(body, headers, spec, *args, **kwargs):
    if spec.url.endswith("/feeds/feed-bug.xml"):
        raise KeyError("simulated feed parser bug")
    return _parse(body, headers, spec, *args, **kwargs)


def _score_bug(self, text):
    if "INJECT-ENTRY-BUG" in text:
        raise ZeroDivisionError("simulated relevance bug")
    return _score(self, text)


_pages.extract_article = _extract_bug
_feeds.parse_feed = _parse_bug
_relevance.RelevanceScorer.score = _score_bug
'''


def patch_bugs(monkeypatch) -> None:
    """The same three simulated bugs in this process (dag.test() runs the tasks in it)."""
    import newswatch.extract.pages as pages
    import newswatch.ingest.feeds as feeds
    import newswatch.ingest.relevance as relevance

    extract, parse, score = pages.extract_article, feeds.parse_feed, relevance.RelevanceScorer.score

    def extract_bug(body, url, *args, **kwargs):
        if url.endswith("/hostile/injected.html"):
            raise RuntimeError("simulated extractor bug")
        return extract(body, url, *args, **kwargs)

    def parse_bug(body, headers, spec, *args, **kwargs):
        if spec.url.endswith("/feeds/feed-bug.xml"):
            raise KeyError("simulated feed parser bug")
        return parse(body, headers, spec, *args, **kwargs)

    def score_bug(self, text):
        if "INJECT-ENTRY-BUG" in text:
            raise ZeroDivisionError("simulated relevance bug")
        return score(self, text)

    monkeypatch.setattr(pages, "extract_article", extract_bug)
    monkeypatch.setattr(feeds, "parse_feed", parse_bug)
    monkeypatch.setattr(relevance.RelevanceScorer, "score", score_bug)


def serve(site: Path):
    """The hostile site on loopback, with its fault routes."""
    from newswatch.fixture_server import FixtureServer

    server = FixtureServer(site)

    def bad_port(req):
        req.send_response(302)
        req.send_header("Location", "http://127.0.0.1:99999/x")
        req.send_header("Content-Length", "0")
        req.end_headers()

    server.route("/go/bad-port", bad_port)
    return server


def inject_bugs(folder: Path) -> Path:
    """A folder with a sitecustomize that injects the three simulated bugs; put it on
    PYTHONPATH for a subprocess, or import `newswatch_test_bugs` from it in this process."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "newswatch_test_bugs.py").write_text(INJECT_SOURCE, encoding="utf-8")
    (folder / "sitecustomize.py").write_text("import newswatch_test_bugs  # noqa: F401\n", encoding="utf-8")
    return folder
