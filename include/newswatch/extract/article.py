"""Article extraction, Hindi first: `extract_article(html, url) -> ExtractedArticle`.

The page is parsed once with lxml. Our readers go first (trafilatura prunes the tree it is given):
`newswatch.extract.page_meta` (JSON-LD and <meta>, any shape), `newswatch.extract.bylines` (the visible byline
near the headline), `newswatch.extract.paywall` (teaser signs, judged where they stand). Then
`newswatch.extract.body` cuts hidden copies and widgets out, trafilatura extracts the body, a paragraph
pass is the fallback. Fields:

- title: the page's <h1> when the metadata headline agrees with it (so "Site: headline" or a cut
  "headline…" in JSON-LD loses to the visible one), else JSON-LD/og:title, else <title> without
  its " | Site" suffix;
- authors: JSON-LD/meta people, else the visible byline, else trafilatura's guess repaired; a
  place is never an author and an organisation credited alone is not one (desks are);
- published/modified: JSON-LD and meta, then the byline near the headline, then htmldate on the
  page's markup and URL only (never a date in a sidebar's text); a time without an offset is read
  in the publisher's zone (`site_tz`, Asia/Kolkata by default), never as UTC; never more than a
  day ahead;
- language: on the headline and body text (newswatch.text.language);
- is_paywalled: a teaser's worth of text next to a paywall sign, or less than the feed's summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import lxml.html
import regex
import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura import metadata as tm

from newswatch.extract import body as bodies
from newswatch.extract import bylines
from newswatch.extract.page_meta import Credit, marked_elements, parse_time, read_page_meta
from newswatch.extract.paywall import is_teaser, withheld_signs
from newswatch.text.charsets import UndecodableError, decode, header_charset
from newswatch.text.language import detect_language
from newswatch.text.normalize import normalize_text, tokens

__all__ = ["ExtractedArticle", "ExtractionError", "decode_html", "detect_language", "extract_article"]

MIN_TEXT_CHARS = 200
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
DEFAULT_TZ = "Asia/Kolkata"  # Indian publishers; a topic sets other zones per feed or per site
MAX_FUTURE = timedelta(days=1)
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ")
_CHARSET = regex.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", regex.IGNORECASE)


class ExtractionError(Exception):
    """A page we cannot turn into an article; the reason goes to quarantine."""


@dataclass
class ExtractedArticle:
    title: str
    text: str
    url: str
    canonical_url: str | None = None
    summary: str = ""
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    modified_at: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    image_url: str | None = None
    word_count: int = 0
    method: str = "trafilatura"
    is_paywalled: bool = False
    assumed_tz: str | None = None  # the zone a time without an offset was read in, when one was


# --- decoding and guards ------------------------------------------------------------------

def decode_html(body: bytes, content_type: str = "") -> str:
    """Text of a page: BOM, valid UTF-8, the HTTP header's charset, the meta tag's, detection."""
    if b"\x00" in body[:4096]:
        raise ExtractionError("binary content, not a web page")
    meta = _CHARSET.search(body[:4096])
    declared = [header_charset(content_type), meta.group(1).decode("ascii") if meta else None]
    try:
        return decode(body, declared)[0]
    except UndecodableError as exc:
        raise ExtractionError(f"undecodable page: {exc}") from exc


def _check_content_type(content_type: str) -> None:
    media = content_type.split(";")[0].strip().lower()
    if media not in HTML_TYPES:
        raise ExtractionError(f"not an HTML page (content type {media})")


def _parse(html: str) -> HtmlElement:
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:  # e.g. only whitespace or comments
        raise ExtractionError(f"unparseable page: {exc}") from exc


def _zone(site_tz: str | tzinfo | None) -> tzinfo:
    if isinstance(site_tz, tzinfo):
        return site_tz
    try:
        return ZoneInfo(site_tz or DEFAULT_TZ)
    except (KeyError, ValueError):  # validated in the topic config; a bad name here is a caller's bug
        return ZoneInfo(DEFAULT_TZ)


# --- fields -------------------------------------------------------------------------------

def _text(el: HtmlElement) -> str:
    return " ".join(" ".join(el.itertext()).split())


def _split_title(title: str) -> tuple[str, str | None]:
    """"Headline | Site" → (headline, site); a title without a short suffix → (title, None)."""
    title = " ".join(title.split())
    for sep in _TITLE_SEPARATORS:
        head, _, tail = title.rpartition(sep)
        if head and len(tail.split()) <= 4 and len(head.split()) >= 3:
            return head.strip(), tail.strip()
    return title, None


def _clean_title(title: str, site_name: str | None) -> str:
    """Drop a " | Site" suffix, and only when it really is the site's name."""
    head, tail = _split_title(title)
    if tail and site_name and normalize_text(tail) == normalize_text(site_name):
        return head
    return " ".join(title.split())


def _agrees(h1: str, meta_title: str) -> bool:
    """The metadata headline is the visible one, give or take a prefix, a suffix or a cut ("…")."""
    a, b = normalize_text(h1), normalize_text(meta_title)
    if not a or not b:
        return False
    cut = b.rstrip(".… ").strip()
    return a == b or a in b or (len(cut) >= 20 and a.startswith(cut))


def _choose_title(meta_title: str | None, h1_text: str, html_title: str, doc_title: str | None,
                  site_name: str | None, title_site: str | None, title_head: str) -> str:
    if h1_text and meta_title and _agrees(h1_text, meta_title):
        raw = h1_text
    else:
        raw = meta_title or h1_text or (title_head if title_site else html_title) or doc_title or ""
    return _clean_title(raw, site_name)


def _domain_name(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    labels = [p for p in host.split(".") if p not in ("www", "m", "amp", "hindi", "english", "news")]
    return labels[0] if len(labels) >= 2 else (labels[0] if labels else "")


def _authors(meta, elements: list[HtmlElement], orgs: list[str]) -> list[str]:
    authors = bylines.credited_people(meta.credits, orgs)
    if not authors and meta.meta_author:
        authors = bylines.credited_people([Credit(n) for n in bylines.split_names(meta.meta_author)] or
                                          [Credit(meta.meta_author)], orgs)
    if not authors:
        authors = bylines.byline_authors(elements, orgs)
    return _unique(authors)


def _guessed_authors(guess: str | None, visible: str, orgs: list[str]) -> list[str]:
    """trafilatura's author, repaired, never a place or the site itself."""
    if not guess:
        return []
    repaired = [bylines.repair_author(a.strip(), visible) for a in guess.split(";") if a.strip()]
    return _unique([a for a in repaired if not bylines.is_place(a) and not bylines.is_organisation(a, orgs)])


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    return [a for a in names if not (normalize_text(a) in seen or seen.add(normalize_text(a)))]


@dataclass
class _Guess:
    author: str | None = None
    sitename: str | None = None
    title: str | None = None
    image: str | None = None
    description: str | None = None


def trafilatura_metadata(tree: HtmlElement, url: str) -> _Guess | None:
    """trafilatura's metadata guesses (author, site name, title, image, description) — its meta-tag
    reader and its byline, site-name and title searches, without its date search (ours is done)."""
    try:
        found = tm.examine_meta(tree)
        author = found.author if found.author and " " in found.author else None
        return _Guess(author=author or tm.extract_author(tree), sitename=found.sitename or tm.extract_sitename(tree),
                      title=found.title or tm.extract_title(tree), image=found.image, description=found.description)
    except Exception:  # noqa: BLE001 - its guesses are optional; a failure is no guess
        return None


def _join(base: str, ref: str | None) -> str | None:
    if not ref:
        return None
    try:
        return urljoin(base, ref)
    except ValueError:
        return None


def _htmldate(tree: HtmlElement, url: str, tz: tzinfo) -> datetime | None:
    """htmldate on the page's markup and URL only (no search of the running text, where sidebars
    and related stories carry other days); a day, read in the publisher's zone."""
    try:
        found = find_date(tree, extensive_search=False, original_date=True, url=url)
    except Exception:  # noqa: BLE001 - htmldate on hostile markup: no date rather than a crash
        return None
    return parse_time(found, tz)[0] if found else None


def _not_in_future(value: datetime | None, now: datetime) -> datetime | None:
    return value if value is None or value <= now + MAX_FUTURE else None


def extract_article(html: str | bytes, url: str, content_type: str = "", feed_summary: str = "",
                    now: datetime | None = None, site_tz: str | tzinfo | None = None) -> ExtractedArticle:
    _check_content_type(content_type)
    if isinstance(html, bytes):
        html = decode_html(html, content_type)
    if not html.strip():
        raise ExtractionError("empty page")
    now = now or datetime.now(timezone.utc)
    tz = _zone(site_tz)
    tree = _parse(html)
    meta = read_page_meta(tree, url, tz)
    h1 = tree.find(".//h1")
    h1_text = _text(h1) if h1 is not None else ""
    html_title = " ".join((tree.findtext(".//title") or "").split())
    marked = marked_elements(tree)
    withheld = withheld_signs(tree, meta.free, marked)
    lang_attr = (tree.get("lang") or "")[:2].lower() or None
    elements = bylines.byline_elements(tree, h1, marked)
    published, modified = meta.published, meta.modified
    if published is None or modified is None:
        byline_published, byline_modified = bylines.byline_dates(elements, tz)
        published, modified = published or byline_published, modified or byline_modified
    if published is None and modified is None:
        published = _htmldate(tree, url, tz)  # before trafilatura, which prunes the tree

    title_head, title_site = _split_title(html_title)
    if h1_text and html_title.startswith(f"{h1_text}: "):  # Blogger: <title>Blog: Post</title>, <h1>Blog</h1>
        title_head, title_site = html_title[len(h1_text) + 2:], h1_text
    site_name = meta.site_name or title_site
    orgs = [o for o in (site_name, meta.publisher, _domain_name(url)) if o]
    authors = _authors(meta, elements, orgs)
    guessed = None
    if not authors or not site_name or not (meta.title or h1_text or html_title):
        # trafilatura's own metadata, only for what our readers did not find (it costs a pass)
        guessed = trafilatura_metadata(tree, url)
        doc_site = getattr(guessed, "sitename", None)
        # trafilatura falls back to the domain; a domain is not a site's name.
        site_name = site_name or (doc_site if doc_site and " " in doc_site.strip() else None)
        if not authors:
            visible = _text(tree.body) if tree.find("body") is not None else _text(tree)  # to repair its spelling
            authors = _guessed_authors(getattr(guessed, "author", None), visible, orgs + ([site_name] if site_name else []))
    if site_name and normalize_text(h1_text) == normalize_text(site_name):
        h1_text = ""  # a blog's <h1> is often its own name
    title = _choose_title(meta.title, h1_text, html_title, getattr(guessed, "title", None), site_name, title_site,
                          title_head)

    bodies.drop_hidden_copies(tree, keep=h1)
    bodies.drop_widgets(tree, h1, [(el, m) for el, m in marked if el.getparent() is not None])
    doc = trafilatura.bare_extraction(tree, url=url, with_metadata=False, include_comments=False)
    text = (getattr(doc, "text", None) or "").strip()
    if len(text.split()) >= bodies.WIDGET_MIN_WORDS and not bodies.prose_like(text):
        # What trafilatura took reads like a widget (numbers, no sentences): on a fresh parse (it prunes
        # the tree it reads), cut hidden copies, widgets and big non-prose blocks, and extract again.
        spare = _parse(html)
        bodies.drop_hidden_copies(spare, keep=spare.find(".//h1"))
        bodies.drop_widgets(spare, spare.find(".//h1"))
        if bodies.drop_big_non_prose(spare, spare.find(".//h1")):
            doc = trafilatura.bare_extraction(spare, url=url, with_metadata=False, include_comments=False)
            text = (getattr(doc, "text", None) or "").strip()
    method = "trafilatura"
    text = bodies.recover_subheadings(tree, text)
    if len(text) < MIN_TEXT_CHARS:
        fallback = bodies.fallback_text(tree)
        if len(fallback) > len(text):
            text, method = fallback, "lxml_paragraphs"
    text = bodies.drop_notices(text)
    text = bodies.drop_leading_title(text, title)
    if h1_text:
        text = bodies.drop_leading_title(text, h1_text)
    n_tokens = len(tokens(text))
    teaser = is_teaser(text, withheld, feed_summary, n_tokens)
    return ExtractedArticle(
        title=title, text=text, url=url, canonical_url=meta.canonical or url,
        summary=meta.description or getattr(guessed, "description", "") or "", authors=authors,
        published_at=_not_in_future(published, now), modified_at=_not_in_future(modified, now),
        language=detect_language(f"{title}\n{text}") or lang_attr, site_name=site_name,
        image_url=meta.image or _join(url, getattr(guessed, "image", None)), word_count=n_tokens,
        method=method,
        is_paywalled=teaser, assumed_tz=getattr(tz, "key", str(tz)) if meta.naive_times else None,
    )
