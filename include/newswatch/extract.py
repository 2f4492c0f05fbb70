"""Article extraction: trafilatura first, BeautifulSoup paragraphs as the fallback.

`extract_article(html, url)` is the public entry point; the method that produced the text is
recorded. Author comes from meta tags / JSON-LD before trafilatura's guess, because
trafilatura's author cleaning cuts the final vowel sign off Devanagari names (शर्मा → शर्म).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

import regex
import trafilatura
from bs4 import BeautifulSoup

from newswatch.charsets import UndecodableError, decode, header_charset
from newswatch.textnorm import normalize_text, tokens

MIN_TEXT_CHARS = 200
_DEVANAGARI = regex.compile(r"\p{Devanagari}")
_LATIN = regex.compile(r"\p{Latin}")
_CHARSET = regex.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", regex.IGNORECASE)


class ExtractionError(Exception):
    """A page we cannot turn into text; the reason goes to quarantine."""


@dataclass
class ExtractedArticle:
    title: str
    text: str
    url: str
    canonical_url: str | None = None
    summary: str = ""
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    word_count: int = 0
    method: str = "trafilatura"


def decode_html(body: bytes, content_type: str = "") -> str:
    """Text of a page: BOM, valid UTF-8, the HTTP header's charset, the meta tag's, detection."""
    meta = _CHARSET.search(body[:4096])
    declared = [header_charset(content_type), meta.group(1).decode("ascii") if meta else None]
    try:
        return decode(body, declared)[0]
    except UndecodableError as exc:
        raise ExtractionError(f"undecodable page: {exc}") from exc


def detect_language(text: str) -> str | None:
    """Script share: Devanagari-dominant text is Hindi, Latin-dominant is English here."""
    devanagari = len(_DEVANAGARI.findall(text))
    latin = len(_LATIN.findall(text))
    if devanagari + latin == 0:
        return None
    return "hi" if devanagari >= latin else "en"


def _meta_author_and_date(soup: BeautifulSoup) -> tuple[list[str], datetime | None, str | None]:
    authors: list[str] = []
    published: datetime | None = None
    canonical = None
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError):
            continue
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            author = item.get("author")
            for person in author if isinstance(author, list) else [author]:
                name = person.get("name") if isinstance(person, dict) else person
                if isinstance(name, str) and name.strip():
                    authors.append(name.strip())
            published = published or _parse_date(item.get("datePublished"))
    if not authors:
        meta = soup.find("meta", attrs={"name": "author"})
        if meta and meta.get("content", "").strip():
            authors.append(meta["content"].strip())
    if published is None:
        meta = soup.find("meta", attrs={"property": "article:published_time"})
        published = _parse_date(meta.get("content") if meta else None)
    link = soup.find("link", rel="canonical") or soup.find("meta", attrs={"property": "og:url"})
    if link:
        canonical = link.get("href") or link.get("content")
    return authors, published, canonical


def _parse_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


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


def extract_article(html: str | bytes, url: str, content_type: str = "") -> ExtractedArticle:
    if isinstance(html, bytes):
        html = decode_html(html, content_type)
    if not html.strip():
        raise ExtractionError("empty page")
    soup = BeautifulSoup(html, "lxml")
    authors, published, canonical = _meta_author_and_date(soup)
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    title = (getattr(doc, "title", None) or (soup.title.string if soup.title else "") or "").strip()
    text = (getattr(doc, "text", None) or "").strip()
    method = "trafilatura"
    if len(text) < MIN_TEXT_CHARS:
        fallback = _fallback_text(soup)
        if len(fallback) > len(text):
            text, method = fallback, "bs4_paragraphs"
    text = _drop_leading_title(text, title)
    if not authors and getattr(doc, "author", None):
        authors = [a.strip() for a in doc.author.split(";") if a.strip()]
    if published is None and getattr(doc, "date", None):
        published = _parse_date(doc.date)
    html_lang = (soup.html.get("lang") if soup.html else None) or ""
    language = detect_language(text) or (html_lang[:2].lower() or None)
    return ExtractedArticle(
        title=title, text=text, url=url, canonical_url=canonical, summary=getattr(doc, "description", "") or "",
        authors=authors, published_at=published, language=language,
        site_name=getattr(doc, "sitename", None), word_count=len(tokens(text)), method=method,
    )
