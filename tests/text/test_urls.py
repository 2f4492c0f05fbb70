import pytest
from newswatch.text.urls import TRACKING_PARAMS, UnsafeUrlError, canonical_url, source_of

# Each group: variants of ONE article that must collapse to the first URL's key (given as `key`).
COLLAPSING_GROUPS = {
    "tracking": ("https://news.example.com/world/kim-putin.html", [
        "https://news.example.com/world/kim-putin.html?utm_source=rss&utm_medium=feed",
        "https://NEWS.example.com:443/world/kim-putin.html?fbclid=abc123#comments",
        "https://news.example.com/world/kim-putin.html?gclid=x&utm_campaign=y",
        "https://news.example.com/world/kim-putin.html?UTM_Content=x&utm_term=y&utm_id=z",
        "https://news.example.com/world/kim-putin.html?CMP=share_btn_tw&at_medium=RSS&at_campaign=KARANGA",
        "https://news.example.com/world/kim-putin.html?mc_cid=1&mc_eid=2&_ga=3&msclkid=4&dclid=5",
        "https://news.example.com/world/kim-putin.html?ns_campaign=a&ns_mchannel=b&ns_source=c&cmpid=d",
        "https://news.example.com/world/kim-putin.html?igshid=a&yclid=b&ref=c&ref_src=twsrc%5Etfw&ito=x",
        "https://news.example.com/world/kim-putin.html?ocid=a&taid=b&twclid=c&li_fat_id=d&wt_mc=e&spm=f",
        "https://news.example.com/world/kim-putin.html?pfrom=home-ndtv_topscroll&smid=tw-share&_gl=1",
    ]),
    "amp": ("https://example.com/world/story.html", [
        "https://www.example.com/amp/world/story.html",
        "https://www.example.com/world/story.html/amp",
        "https://www.example.com/world/story.html/amp/",
        "https://www.example.com/world/story.amp.html",
        "https://www.example.com/world/story.html?amp=1",
        "https://www.example.com/world/story.html?amp",
        "https://www.example.com/world/story.html?outputType=amp",
        "https://amp.example.com/world/story.html",
    ]),
    "times_of_india_amp": ("https://timesofindia.indiatimes.com/world/kim-putin/articleshow/111.cms", [
        "https://timesofindia.indiatimes.com/world/kim-putin/amp_articleshow/111.cms",
        "https://m.timesofindia.indiatimes.com/world/kim-putin/amp_articleshow/111.cms?utm_source=x",
    ]),
    "ndtv_amp": ("https://ndtv.com/world-news/kim-putin-123", [
        "https://www.ndtv.com/world-news/kim-putin-123/amp/1",
        "https://www.ndtv.com/world-news/kim-putin-123?pfrom=home-ndtv_topscroll",
    ]),
    "file_then_amp": ("https://thehindu.com/news/article1.ece", [
        "https://www.thehindu.com/news/article1.ece/amp/",
    ]),
    "slash_slug_amp": ("https://blog.example.in/2024/05/kim-putin/", [
        "https://blog.example.in/2024/05/kim-putin/amp/",
        "https://blog.example.in/2024/05/kim-putin/?amp=1",
    ]),
    "bbc_amp": ("https://bbc.com/hindi/articles/c0abc123", [
        "https://www.bbc.com/hindi/articles/c0abc123.amp",
        "https://www.bbc.com/hindi/articles/c0abc123?at_medium=RSS&at_campaign=rss",
    ]),
    "mobile_and_www": ("https://example.com/world/story.html", [
        "https://m.example.com/world/story.html",
        "https://mobile.example.com/world/story.html",
        "https://www.example.com/world/story.html",
        "https://WWW.Example.COM./world/story.html",
    ]),
    "mobile_subsite": ("https://hindi.example.com/world/story.html", [
        "https://m.hindi.example.com/world/story.html",
        "https://www.hindi.example.com/world/story.html",
    ]),
    "root": ("https://example.com/", [
        "https://example.com",
        "https://www.example.com/?utm_source=x",
        "https://example.com:443/#top",
    ]),
    "query_order_and_escapes": ("https://example.com/a?id=7&p=2", [
        "https://example.com/a?p=2&id=7&utm_source=x",
        "https://example.com/a?p=2&fbclid=x&id=7",
    ]),
    "percent_escape_case": ("https://hindi.example.in/%E0%A4%B8%E0%A4%AE%E0%A4%BE%E0%A4%9A%E0%A4%BE%E0%A4%B0", [
        "https://hindi.example.in/%e0%a4%b8%e0%a4%ae%e0%a4%be%e0%a4%9a%e0%a4%be%e0%a4%b0",
        "https://hindi.example.in/समाचार",
    ]),
    "idn_host": ("http://उदाहरण.भारत/%E0%A4%B8%E0%A4%AE%E0%A4%BE%E0%A4%9A%E0%A4%BE%E0%A4%B0"
                 "/%E0%A4%B2%E0%A5%87%E0%A4%96", [
        "http://उदाहरण.भारत/समाचार/लेख?utm_source=x",
        "http://xn--p1b6ci4b4b3a.xn--h2brj9c/समाचार/लेख",
        "http://www.उदाहरण.भारत/समाचार/लेख#x",
    ]),
}
VARIANTS = [(group, key, raw) for group, (key, raws) in COLLAPSING_GROUPS.items() for raw in [key, *raws]]

# Pairs that look alike but are different pages: they must keep different keys.
NEAR_MISSES = [
    ("https://example.com/articleshow/111.cms", "https://example.com/articleshow/112.cms"),
    ("https://example.com/story?id=1", "https://example.com/story?id=2"),
    ("https://example.com/story?id=1", "https://example.com/story"),
    ("https://example.com/story?story=1", "https://example.com/story?story=2"),
    ("https://example.com/news?p=10", "https://example.com/news?p=11"),
    ("https://example.com/amplifier/review.html", "https://example.com/review.html"),
    ("https://example.com/m/story.html", "https://example.com/story.html"),
    ("https://ampere.example.com/story.html", "https://example.com/story.html"),
    ("https://mobile-news.example.com/story.html", "https://example.com/story.html"),
    ("https://example.com/camp.html", "https://example.com/c.html"),
    ("https://example.com/amp_guide/x", "https://example.com/guide/x"),
    ("https://example.com/story.html?outputType=print", "https://example.com/story.html"),
    ("https://example.com/world/story/", "https://example.com/world/story"),
    ("http://example.com/a", "https://example.com/a"),
    ("https://example.com:8443/a", "https://example.com/a"),
    ("https://example.com/Story.html", "https://example.com/story.html"),
    ("https://example.com/?12345", "https://example.com/?12346"),
]


@pytest.mark.parametrize("group,key,raw", VARIANTS, ids=[f"{g}:{r}" for g, _, r in VARIANTS])
def test_variants_of_one_article_collapse_to_one_key(group, key, raw):
    assert canonical_url(raw) == key


@pytest.mark.parametrize("a,b", NEAR_MISSES)
def test_different_pages_keep_different_keys(a, b):
    assert canonical_url(a) != canonical_url(b)


@pytest.mark.parametrize("raw", sorted({r for _, _, r in VARIANTS} | {u for pair in NEAR_MISSES for u in pair} | {
    "https://example.com/x?%FF=%fe&q=a+b%20c&q=%E0%A4%95",
    "http://[::1]:8080/x?b=2&a=1",
    "http://u:p@www.example.com/a/../b/./c//d",
}))
def test_canonical_url_is_idempotent(raw):
    once = canonical_url(raw)
    assert canonical_url(once) == once


def test_meaningful_query_and_non_default_port_are_kept():
    assert canonical_url("http://127.0.0.1:8765/a.html?id=7&utm_source=x") == "http://127.0.0.1:8765/a.html?id=7"


def test_unknown_parameters_are_kept_sorted_and_encoded():
    assert canonical_url("https://example.com/a?story=5&q=किम&lang=hi") == (
        "https://example.com/a?lang=hi&q=%E0%A4%95%E0%A4%BF%E0%A4%AE&story=5")


def test_tracking_list_is_lower_case_and_keeps_article_ids_out():
    assert all(name == name.lower() for name in TRACKING_PARAMS)
    assert not {"id", "p", "story", "article_id", "page", "from", "q"} & TRACKING_PARAMS


def test_hosts_keep_two_labels():
    assert canonical_url("https://amp.dev/about") == "https://amp.dev/about"
    assert canonical_url("https://www.m.example.com/a") == "https://example.com/a"


@pytest.mark.parametrize("raw", [
    "javascript:alert(1)", "data:text/html,hi", "ftp://example.com/x", "/relative", "http:///nohost",
    "http://example.com:abc/", "http://example.com:99999/", "http://./x",
])
def test_unsafe_or_relative_urls_are_refused(raw):
    with pytest.raises(UnsafeUrlError):
        canonical_url(raw)


def test_source_drops_www():
    assert source_of("https://www.bbc.com/hindi/x") == "bbc.com"
