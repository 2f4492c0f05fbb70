"""Article extraction, Hindi first: `extract_article(html, url) -> ExtractedArticle`.

trafilatura extracts the body; a BeautifulSoup paragraph pass is the fallback when it fails
or returns less than MIN_TEXT_CHARS. The fields trafilatura gets wrong on Hindi pages come
from our own readers of the page's metadata, in this order:

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

import regex
import trafilatura
from bs4 import BeautifulSoup, Tag

from newswatch.charsets import UndecodableError, decode, header_charset
from newswatch.dates import find_dates
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
_PAYWALL_MARKERS = regex.compile(
    r"subscribe to (?:continue|read)|subscribers only|सदस्यता लें|सब्सक्राइब करें|प्रीमियम लेख|paywall|premium-content",
    regex.I)
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ")
MAX_FUTURE = timedelta(days=1)


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


def _jsonld_articles(soup: BeautifulSoup) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
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


def _meta(soup: BeautifulSoup, *keys: str) -> str | None:
    for key in keys:
        tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key}) \
            or soup.find("meta", attrs={"itemprop": key})
        if tag and (tag.get("content") or "").strip():
            return tag["content"].strip()
    return None


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


def _page_meta(soup: BeautifulSoup, url: str) -> _PageMeta:
    meta = _PageMeta()
    for item in _jsonld_articles(soup):
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
    meta.title = meta.title or _meta(soup, "og:title", "twitter:title")
    if not meta.authors:
        author = _meta(soup, "author", "article:author", "byl")
        if author and not author.startswith("http"):
            meta.authors = [a.strip() for a in regex.split(r"\s*[;,|]\s*|\s+(?:और|and)\s+", author) if a.strip()]
    meta.published = meta.published or _parse_iso(_meta(soup, "article:published_time", "datePublished",
                                                         "pubdate", "publish-date"))
    meta.modified = meta.modified or _parse_iso(_meta(soup, "article:modified_time", "dateModified", "og:updated_time"))
    link = soup.find("link", rel="canonical")
    canonical = (link.get("href") if link else None) or _meta(soup, "og:url")
    meta.canonical = urljoin(url, canonical) if canonical else None
    meta.site_name = meta.site_name or _meta(soup, "og:site_name", "application-name")
    image = meta.image or _meta(soup, "og:image", "twitter:image")
    meta.image = urljoin(url, image) if image else None
    return meta


def _byline_elements(soup: BeautifulSoup) -> list[Tag]:
    found = [t for t in soup.find_all(True) if isinstance(t, Tag) and t.name not in ("html", "body", "article", "main")
             and _BYLINE_CLASS.search(" ".join(t.get("class") or []) + " " + (t.get("id") or ""))
             and len(t.get_text(" ", strip=True)) < 200]
    return found + [t for t in soup.find_all("time") if t not in found]


def _byline_dates(soup: BeautifulSoup) -> tuple[datetime | None, datetime | None]:
    published = modified = None
    for tag in _byline_elements(soup):
        text = tag.get_text(" ", strip=True)
        stamp = _parse_iso(tag.get("datetime")) if tag.name == "time" else None
        dates = [stamp] if stamp else find_dates(text)
        for value in dates:
            if _UPDATED.search(text) and modified is None:
                modified = value
            elif published is None:
                published = value
    return published, modified


def _byline_authors(soup: BeautifulSoup) -> list[str]:
    for tag in _byline_elements(soup):
        if tag.name == "time":
            continue
        text = " ".join(tag.get_text(" ", strip=True).split())
        match = _BYLINE_AUTHOR.search(text)
        if match:
            words = [w for w in match["name"].split() if not _NOT_A_NAME.match(w)]
            cut = next((i for i, w in enumerate(words) if _NOT_A_NAME.match(w)), len(words))
            if words[:cut]:
                return [" ".join(words[:cut])]
        classes = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")
        if regex.search(r"author", classes, regex.I) and 0 < len(text.split()) <= 4 and not regex.search(r"\d", text):
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


def _clean_title(title: str, site_name: str | None) -> str:
    title = " ".join(title.split())
    for sep in _TITLE_SEPARATORS:
        head, _, tail = title.rpartition(sep)
        if head and (site_name and normalize_text(tail) == normalize_text(site_name) or len(tail.split()) <= 3
                     and len(head.split()) >= 4):
            return head.strip()
    return title


def _fallback_text(soup: BeautifulSoup) -> str:
    container = soup.find("article") or soup.find("main") or soup.body or soup
    paragraphs = [" ".join(p.get_text(" ").split()) for p in container.find_all("p")]
    return "\n".join(p for p in paragraphs if len(p) > 40)


def _drop_leading_title(text: str, title: str) -> str:
    """trafilatura often repeats the <h1> as the first line; the body is what we hash."""
    first, _, rest = text.partition("\n")
    if title and normalize_text(first) == normalize_text(title):
        return rest.strip()
    return text


def _is_paywalled(soup: BeautifulSoup, text: str, feed_summary: str, free: bool | None) -> bool:
    if free is False:
        return True
    marker_classes = soup.find(class_=regex.compile(r"paywall|subscriber-only|premium", regex.I))
    visible_tail = soup.get_text(" ", strip=True)[-3000:]
    if marker_classes is not None or _PAYWALL_MARKERS.search(visible_tail):
        return True
    # A teaser: the page says less than the feed's own summary.
    return bool(feed_summary) and len(tokens(text)) < 1.5 * len(tokens(feed_summary))


def _not_in_future(value: datetime | None, now: datetime) -> datetime | None:
    return value if value is None or value <= now + MAX_FUTURE else None


def extract_article(html: str | bytes, url: str, content_type: str = "", feed_summary: str = "",
                    now: datetime | None = None) -> ExtractedArticle:
    _check_content_type(content_type)
    if isinstance(html, bytes):
        html = decode_html(html, content_type)
    if not html.strip():
        raise ExtractionError("empty page")
    now = now or datetime.now(timezone.utc)
    soup = BeautifulSoup(html, "lxml")
    meta = _page_meta(soup, url)
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    h1 = soup.find("h1")
    raw_title = meta.title or (h1.get_text(" ", strip=True) if h1 else None) or getattr(doc, "title", None) \
        or (soup.title.string if soup.title and soup.title.string else "")
    site_name = meta.site_name or getattr(doc, "sitename", None)
    title = _clean_title(raw_title or "", site_name)

    text = (getattr(doc, "text", None) or "").strip()
    method = "trafilatura"
    if len(text) < MIN_TEXT_CHARS:
        fallback = _fallback_text(soup)
        if len(fallback) > len(text):
            text, method = fallback, "bs4_paragraphs"
    text = _drop_leading_title(text, title)
    if h1 is not None:
        text = _drop_leading_title(text, h1.get_text(" ", strip=True))

    visible = soup.get_text(" ", strip=True)
    authors = meta.authors or _byline_authors(soup)
    if not authors and getattr(doc, "author", None):
        authors = [_repair_author(a.strip(), visible) for a in doc.author.split(";") if a.strip()]
    published, modified = meta.published, meta.modified
    if published is None or modified is None:
        byline_published, byline_modified = _byline_dates(soup)
        published = published or byline_published
        modified = modified or byline_modified
    if published is None and getattr(doc, "date", None):  # htmldate, through trafilatura
        published = _parse_iso(doc.date)
    language = detect_language(text) or ((soup.html.get("lang") or "")[:2].lower() if soup.html else None) or None
    return ExtractedArticle(
        title=title, text=text, url=url, canonical_url=meta.canonical,
        summary=getattr(doc, "description", "") or "", authors=authors,
        published_at=_not_in_future(published, now), modified_at=_not_in_future(modified, now),
        language=language, site_name=site_name, image_url=meta.image or getattr(doc, "image", None),
        word_count=len(tokens(text)), method=method, is_paywalled=_is_paywalled(soup, text, feed_summary, meta.free),
    )
