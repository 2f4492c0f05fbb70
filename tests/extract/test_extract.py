"""Extraction on Hindi and English pages: the fields trafilatura alone gets wrong."""

from datetime import datetime, timedelta, timezone

import trafilatura
from newswatch.extract.article import decode_html, detect_language, extract_article

BODY_HI = "".join(
    f"<p>उत्तर कोरिया और रूस के बीच सैन्य सहयोग पर अनुच्छेद {i}: दोनों देशों के अधिकारियों ने बैठक में हथियारों की "
    f"आपूर्ति, तकनीक के हस्तांतरण और संयुक्त उत्पादन पर विस्तार से चर्चा की।</p>" for i in range(1, 6))


def _page(author_meta: str = "", jsonld: str = "", h1: str = "किम जोंग उन रूस पहुंचे") -> str:
    return (f'<!doctype html><html lang="hi"><head><meta charset="utf-8"><title>{h1} | दर्पण</title>{author_meta}'
            f'{jsonld}<link rel="canonical" href="https://darpan.example/world/kim.html"></head><body>'
            f"<nav>होम | देश | विदेश</nav><article><h1>{h1}</h1>{BODY_HI}</article><footer>© दर्पण</footer></body></html>")


def test_devanagari_author_keeps_its_final_vowel_sign():
    html = _page(author_meta='<meta name="author" content="अनुराधा शर्मा">')
    plain = trafilatura.bare_extraction(html, with_metadata=True)
    assert plain.author != "अनुराधा शर्मा"  # the fault we work around
    assert extract_article(html, "https://darpan.example/x").authors == ["अनुराधा शर्मा"]


def test_jsonld_date_author_and_canonical():
    jsonld = ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2026-11-19T12:50:00+05:30",'
              ' "author": [{"@type": "Person", "name": "सौरभ वर्मा"}]}</script>')
    page = extract_article(_page(jsonld=jsonld), "https://darpan.example/x?utm_source=rss")
    assert page.published_at.isoformat() == "2026-11-19T12:50:00+05:30"
    assert page.authors == ["सौरभ वर्मा"]
    assert page.canonical_url == "https://darpan.example/world/kim.html"
    assert page.language == "hi" and page.method == "trafilatura"


def test_headline_is_not_part_of_the_body_text():
    page = extract_article(_page(), "https://darpan.example/x")
    assert page.title == "किम जोंग उन रूस पहुंचे"
    assert page.text.startswith("उत्तर कोरिया और रूस") and "अनुच्छेद 5" in page.text
    assert "होम" not in page.text and "©" not in page.text


def test_utf8_hindi_declared_as_windows_1252_is_repaired():
    raw = _page().encode("utf-8")
    assert "किम" in decode_html(raw, "text/html; charset=windows-1252")
    assert decode_html("café".encode("cp1252"), "text/html; charset=windows-1252") == "café"


def test_language_from_script_share():
    assert detect_language("Putin और किम जोंग उन की मुलाकात") == "hi"
    assert detect_language("Kim Jong Un met Putin in Vladivostok") == "en"
    assert detect_language("1234 — !!") is None


import pytest  # noqa: E402
from newswatch.extract.article import ExtractionError  # noqa: E402


@pytest.mark.parametrize("body, content_type, reason", [
    (b"%PDF-1.7 \x00\x01\x02", "application/pdf", "not an HTML page"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/html", "binary content"),
    (b"   \n ", "text/html; charset=utf-8", "empty page"),
])
def test_bad_input_gets_a_clear_reason(body, content_type, reason):
    with pytest.raises(ExtractionError, match=reason):
        extract_article(body, "https://darpan.example/x", content_type)


def test_broken_markup_still_extracts():
    broken = _page().replace("</p>", "", 3).replace("</article>", "</div></div>")
    page = extract_article(broken, "https://darpan.example/x")
    assert "अनुच्छेद 1" in page.text and "अनुच्छेद 5" in page.text


def test_teaser_shorter_than_the_feed_summary_is_flagged():
    teaser = _page().replace(BODY_HI, "<p>उत्तर कोरिया और रूस के बीच नया समझौता।</p><div class='paywall'>सदस्यता लें</div>")
    assert extract_article(teaser, "https://darpan.example/x").is_paywalled
    summary = "उत्तर कोरिया और रूस ने " + "हथियारों, तकनीक और संयुक्त उत्पादन पर बड़ा समझौता किया " * 20
    assert extract_article(_page(), "https://darpan.example/x", feed_summary=summary).is_paywalled
    assert not extract_article(_page(), "https://darpan.example/x", feed_summary="छोटा सारांश").is_paywalled


def test_byline_only_dates_and_authors_in_hindi():
    page = _page().replace("<article>", "<article><div class='byline'>लेखक: राहुल वर्मा | अपडेटेड: २० नवंबर २०२६, 10:30 AM IST</div>")
    result = extract_article(page, "https://darpan.example/x")
    assert result.authors == ["राहुल वर्मा"]
    assert result.modified_at is not None and result.modified_at.day == 20


def test_future_dates_are_not_believed():
    future = (datetime.now(timezone.utc) + timedelta(days=400)).isoformat()
    page = _page(jsonld=f'<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{future}"}}</script>')
    assert extract_article(page, "https://darpan.example/x").published_at is None
