"""Article extraction, Hindi first: `extract_article(html, url) -> ExtractedArticle`.

The page is parsed once with lxml. trafilatura extracts the body; a paragraph pass is the
fallback when it fails or returns less than MIN_TEXT_CHARS. The fields trafilatura gets wrong
on Hindi pages come from our own readers of the page's metadata, in this order:

- title: JSON-LD headline / og:title / <h1> / <title>, with a " | Site" suffix removed;
- authors: JSON-LD, meta author, the visible byline ("लेखक: ...", "By ..."), and only then
  trafilatura's guess, repaired (its cleaning cuts the final vowel sign: शर्मा → शर्म);
- published/modified: JSON-LD and meta tags, <time datetime>, dates written in the byline in
  Hindi or English (Devanagari digits too), then htmldate; never more than a day ahead;
- language: script share (Devanagari vs Latin); Latin-script text goes to lingua;
- is_paywalled: paywall markers, or visible text much shorter than the feed's summary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

import lxml.html
import regex
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from newswatch.charsets import UndecodableError, decode, header_charset
from newswatch.dates import find_dates_in
from newswatch.textnorm import normalize_text, tokens

MIN_TEXT_CHARS = 200
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
_DEVANAGARI = regex.compile(r"\p{Devanagari}")
_LATIN = regex.compile(r"\p{Latin}")
_CHARSET = regex.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", regex.IGNORECASE)
_BYLINE_CLASS = regex.compile(r"byline|author|date|time|meta|publish|posted|updated|dateline|timestamp", regex.I)
_BYLINE_AUTHOR = regex.compile(
    r"(?:लेखक|रिपोर्ट|संवाददाता|द्वारा|written by|reported by|by)\s*[:：\-–]?\s*"
    r"(?P<name>\p{L}[\p{L}\p{M}.'’]*(?:\s+\p{L}[\p{L}\p{M}.'’]*){0,3})", regex.I)
_NOT_A_NAME = regex.compile(r"^(?:अपडेटेड|अपडेट|प्रकाशित|updated|published|on|the|staff)$", regex.I)
_UPDATED = regex.compile(r"अपडेट|updated|modified|संशोधित", regex.I)
# Phrases that say the rest of *this* article is behind a paywall (a newsletter box's
# "सब्सक्राइब करें" or a blog's "सदस्यता लें: टिप्पणियाँ" is not one).
_PAYWALL_MARKERS = regex.compile(
    r"subscribe to (?:continue|read the (?:full|rest))|to continue reading|subscribers only|for subscribers"
    r"|(?:सदस्यता|सब्सक्रिप्शन)\s+(?:लें|लेकर)\s+(?:और\s+)?पूरी|पूरी (?:खबर|स्टोरी|ख़बर) पढ़ने के लिए|प्रीमियम लेख",
    regex.I)
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ")
MAX_FUTURE = timedelta(days=1)
_PAYWALL_BOXES = ("//*[contains(@class, 'paywall') or contains(@class, 'subscriber-only')"
                  " or contains(@class, 'premium-content')]")


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


# --- page metadata ------------------------------------------------------------------------

def _parse_iso(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _text(el: HtmlElement) -> str:
    """Visible text with a space between elements (<br> and inline tags must not glue words)."""
    return " ".join(" ".join(el.itertext()).split())


def _jsonld_articles(tree: HtmlElement) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, TypeError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                stack.extend(item.get("@graph", []) if isinstance(item.get("@graph"), list) else [])
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(isinstance(k, str) and (k.endswith("Article") or k in ("BlogPosting", "LiveBlogPosting"))
                       for k in kinds):
                    items.append(item)
    return items


def _names(value: object) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = [(v.get("name") if isinstance(v, dict) else v) for v in values]
    return [" ".join(n.split()) for n in names if isinstance(n, str) and n.strip()]


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """Every <meta> content by its property / name / itemprop (first one wins), read once."""
    found: dict[str, str] = {}
    for tag in tree.iterfind(".//meta"):
        content = (tag.get("content") or "").strip()
        for attr in ("property", "name", "itemprop"):
            key = tag.get(attr)
            if key and content:
                found.setdefault(key.strip().lower(), content)
    return found


def _first(tags: dict[str, str], *keys: str) -> str | None:
    return next((tags[k.lower()] for k in keys if k.lower() in tags), None)


@dataclass
class _PageMeta:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    canonical: str | None = None
    site_name: str | None = None
    image: str | None = None
    free: bool | None = None


def _page_meta(tree: HtmlElement, url: str) -> _PageMeta:
    meta = _PageMeta()
    for item in _jsonld_articles(tree):
        meta.title = meta.title or (item.get("headline") if isinstance(item.get("headline"), str) else None)
        meta.authors = meta.authors or _names(item.get("author"))
        meta.published = meta.published or _parse_iso(item.get("datePublished"))
        meta.modified = meta.modified or _parse_iso(item.get("dateModified"))
        image = item.get("image")
        image = image[0] if isinstance(image, list) and image else image
        meta.image = meta.image or (image.get("url") if isinstance(image, dict) else image if isinstance(image, str) else None)
        publisher = _names(item.get("publisher"))
        meta.site_name = meta.site_name or (publisher[0] if publisher else None)
        if item.get("isAccessibleForFree") in (False, "False", "false"):
            meta.free = False
    tags = _meta_tags(tree)
    meta.title = meta.title or _first(tags, "og:title", "twitter:title")
    if not meta.authors:
        author = _first(tags, "author", "article:author", "byl")
        if author and not author.startswith("http"):
            meta.authors = [a.strip() for a in regex.split(r"\s*[;,|]\s*|\s+(?:और|and)\s+", author) if a.strip()]
    meta.published = meta.published or _parse_iso(_first(tags, "article:published_time", "datePublished",
                                                          "pubdate", "publish-date"))
    meta.modified = meta.modified or _parse_iso(_first(tags, "article:modified_time", "dateModified", "og:updated_time"))
    link = tree.find(".//link[@rel='canonical']")
    canonical = (link.get("href") if link is not None else None) or _first(tags, "og:url")
    meta.canonical = urljoin(url, canonical.strip()) if canonical else None
    meta.site_name = meta.site_name or _first(tags, "og:site_name", "application-name")
    image = meta.image or _first(tags, "og:image", "twitter:image")
    meta.image = urljoin(url, image) if image else None
    return meta


def _byline_elements(tree: HtmlElement) -> list[HtmlElement]:
    """Where bylines live: elements whose class/id says so, <time>, and the short elements
    right after the headline (blogs write "By X, 20 November 2026" in a plain <p>)."""
    found: list[HtmlElement] = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "article", "main", "head", "script", "style"):
            continue
        marks = f"{el.get('class') or ''} {el.get('id') or ''}"
        if (el.tag == "time" or _BYLINE_CLASS.search(marks)) and len(el.text_content()) < 300:
            found.append(el)
    h1 = tree.find(".//h1")
    if h1 is not None:
        found += [el for el in h1.xpath("following::*[self::p or self::div or self::span or self::em][position() <= 4]")
                  if el not in found and len(el.text_content()) < 300]
    return found


def _byline_dates(tree: HtmlElement) -> tuple[datetime | None, datetime | None]:
    """(published, modified): a date right after "अपडेटेड"/"Updated" is the modification time."""
    published = modified = None
    for el in _byline_elements(tree):
        norm = normalize_text(_text(el))
        stamp = _parse_iso(el.get("datetime")) if el.tag == "time" else None
        dates = [(0, stamp)] if stamp else find_dates_in(norm)
        for start, value in dates:
            if _UPDATED.search(norm[max(0, start - 30):start] if start else norm[:30]):
                modified = modified or value
            else:
                published = published or value
    return published, modified


def _byline_authors(tree: HtmlElement) -> list[str]:
    for el in _byline_elements(tree):
        if el.tag == "time":
            continue
        text = _text(el)
        match = _BYLINE_AUTHOR.search(text)
        if match:
            words = match["name"].split()
            cut = next((i for i, w in enumerate(words) if _NOT_A_NAME.match(w)), len(words))
            if words[:cut]:
                return [" ".join(words[:cut])]
        marks = f"{el.get('class') or ''} {el.get('id') or ''}"
        if regex.search(r"author", marks, regex.I) and 0 < len(text.split()) <= 4 and not regex.search(r"\d", text):
            return [text]
    return []


def _repair_author(name: str, visible: str) -> str:
    """trafilatura drops trailing vowel signs (शर्मा → शर्म): take the page's full spelling."""
    match = regex.search(regex.escape(name) + r"\p{M}+", visible)
    return match.group(0) if match else name


# --- fields -------------------------------------------------------------------------------

def detect_language(text: str) -> str | None:
    """Devanagari-dominant text is Hindi; Latin-script text is identified by lingua."""
    devanagari = len(_DEVANAGARI.findall(text))
    latin = len(_LATIN.findall(text))
    if devanagari + latin == 0:
        return None
    if devanagari >= latin:
        return "hi"
    if len(text.split()) < 12:  # a headline of names: too little for a statistical guess
        return "en"
    detected = _lingua().detect_language_of(text[:2000])
    return detected.iso_code_639_1.name.lower() if detected else "en"


@lru_cache(maxsize=1)
def _lingua():
    from lingua import Language, LanguageDetectorBuilder  # loads its models on first use (~1 s)

    return LanguageDetectorBuilder.from_languages(
        Language.ENGLISH, Language.FRENCH, Language.GERMAN, Language.SPANISH, Language.PORTUGUESE,
        Language.ITALIAN, Language.DUTCH, Language.INDONESIAN, Language.RUSSIAN).build()


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


def _fallback_text(html: str) -> str:
    tree = _parse(html)
    container = next(iter(tree.xpath("//article | //main")), None)
    container = container if container is not None else tree
    paragraphs = [_text(p) for p in container.iter("p")]
    return "\n".join(p for p in paragraphs if len(p) > 40)


def _drop_leading_title(text: str, title: str) -> str:
    """trafilatura often repeats the <h1> as the first line; the body is what we hash."""
    first, _, rest = text.partition("\n")
    if title and normalize_text(first) == normalize_text(title):
        return rest.strip()
    return text


def _has_paywall_markers(tree: HtmlElement, free: bool | None) -> bool:
    if free is False:
        return True
    if tree.xpath(_PAYWALL_BOXES):
        return True
    container = next(iter(tree.xpath("//article | //main | //body")), tree)
    return bool(_PAYWALL_MARKERS.search(_text(container)))


def _not_in_future(value: datetime | None, now: datetime) -> datetime | None:
    return value if value is None or value <= now + MAX_FUTURE else None


def _parse(html: str) -> HtmlElement:
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:  # e.g. only whitespace or comments
        raise ExtractionError(f"unparseable page: {exc}") from exc


def extract_article(html: str | bytes, url: str, content_type: str = "", feed_summary: str = "",
                    now: datetime | None = None) -> ExtractedArticle:
    _check_content_type(content_type)
    if isinstance(html, bytes):
        html = decode_html(html, content_type)
    if not html.strip():
        raise ExtractionError("empty page")
    now = now or datetime.now(timezone.utc)
    tree = _parse(html)
    # Our readers go first: trafilatura prunes the tree it is given.
    meta = _page_meta(tree, url)
    h1 = tree.find(".//h1")
    h1_text = _text(h1) if h1 is not None else ""
    html_title = " ".join((tree.findtext(".//title") or "").split())
    authors = meta.authors or _byline_authors(tree)
    published, modified = meta.published, meta.modified
    if published is None or modified is None:
        byline_published, byline_modified = _byline_dates(tree)
        published, modified = published or byline_published, modified or byline_modified
    visible = _text(tree.body) if tree.find("body") is not None else _text(tree)
    lang_attr = (tree.get("lang") or "")[:2].lower() or None
    markers_paywalled = _has_paywall_markers(tree, meta.free)

    doc = trafilatura.bare_extraction(tree, url=url, with_metadata=True, include_comments=False)
    title_head, title_site = _split_title(html_title)
    if h1_text and html_title.startswith(f"{h1_text}: "):  # Blogger: <title>Blog: Post</title>, <h1>Blog</h1>
        title_head, title_site = html_title[len(h1_text) + 2:], h1_text
    doc_site = getattr(doc, "sitename", None)
    # trafilatura falls back to the domain; a domain is not a site's name.
    site_name = meta.site_name or title_site or (doc_site if doc_site and " " in doc_site.strip() else None)
    if site_name and normalize_text(h1_text) == normalize_text(site_name):
        h1_text = ""  # a blog's <h1> is often its own name
    raw_title = meta.title or h1_text or (title_head if title_site else html_title) or getattr(doc, "title", None) or ""
    title = _clean_title(raw_title, site_name)

    text = (getattr(doc, "text", None) or "").strip()
    method = "trafilatura"
    if len(text) < MIN_TEXT_CHARS:
        fallback = _fallback_text(html)
        if len(fallback) > len(text):
            text, method = fallback, "lxml_paragraphs"
    text = "\n".join(line for line in text.split("\n") if not _PAYWALL_MARKERS.search(line))
    text = _drop_leading_title(text, title)
    if h1_text:
        text = _drop_leading_title(text, h1_text)
    if not authors and getattr(doc, "author", None):
        authors = [_repair_author(a.strip(), visible) for a in doc.author.split(";") if a.strip()]
    if published is None and modified is None and getattr(doc, "date", None):
        published = _parse_iso(doc.date)  # htmldate (through trafilatura): only when the page says nothing
    # A teaser: the page says less than the feed's own summary.
    teaser = bool(feed_summary) and len(tokens(text)) < 1.5 * len(tokens(feed_summary))
    return ExtractedArticle(
        title=title, text=text, url=url, canonical_url=meta.canonical or url,
        summary=getattr(doc, "description", "") or "", authors=authors,
        published_at=_not_in_future(published, now), modified_at=_not_in_future(modified, now),
        language=detect_language(text) or lang_attr, site_name=site_name,
        image_url=meta.image or getattr(doc, "image", None), word_count=len(tokens(text)), method=method,
        is_paywalled=markers_paywalled or teaser,
    )
