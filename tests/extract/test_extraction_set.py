"""extract_article on the labelled set (tests/fixtures/extraction): every field a person would
check, and the body text, page by page, in Hindi and English, over eight page templates."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import pytest
import yaml
from conftest import ROOT
from newswatch.extract.article import extract_article
from newswatch.text.normalize import tokens

SET = ROOT / "tests" / "fixtures" / "extraction"
PAGES = yaml.safe_load((SET / "expected.yaml").read_text(encoding="utf-8"))
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)  # the set's dates are November 2026


def _f1(got: str, want: str) -> float:
    g, w = Counter(tokens(got)), Counter(tokens(want))
    overlap = sum((g & w).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(g.values()), overlap / sum(w.values())
    return 2 * precision * recall / (precision + recall)


def _instant(value) -> datetime | None:
    if value is None:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def test_the_set_is_big_and_varied_enough():
    assert len(PAGES) >= 30
    assert {p["language"] for p in PAGES} == {"hi", "en"}
    assert len({p["template"] for p in PAGES}) >= 6


@pytest.mark.parametrize("page", PAGES, ids=[p["file"] for p in PAGES])
def test_fields_and_body(page):
    html = (SET / page["file"]).read_bytes()
    got = extract_article(html, page["url"], "text/html; charset=utf-8", feed_summary=page["feed_summary"], now=NOW)
    assert got.title == page["title"]
    assert got.authors == page["authors"]
    assert got.published_at == _instant(page["published_at"])
    assert got.modified_at == _instant(page["modified_at"])
    assert got.language == page["language"]
    assert got.canonical_url == page["canonical_url"]
    assert got.site_name == page["site_name"]
    assert got.image_url == page["image_url"]
    assert got.is_paywalled == page["is_paywalled"]
    if not page["is_paywalled"]:  # a teaser's text is refused anyway
        assert _f1(got.text, page["body"]) >= 0.9
