import pytest

from newswatch.urls import UnsafeUrlError, canonical_url, source_of


@pytest.mark.parametrize("raw", [
    "https://news.example.com/world/kim-putin.html?utm_source=rss&utm_medium=feed",
    "https://NEWS.example.com:443/world/kim-putin.html?fbclid=abc123#comments",
    "https://news.example.com/world/kim-putin.html?gclid=x&utm_campaign=y",
])
def test_tracking_variants_collapse_to_one_url(raw):
    assert canonical_url(raw) == "https://news.example.com/world/kim-putin.html"


def test_meaningful_query_and_non_default_port_are_kept():
    assert canonical_url("http://127.0.0.1:8765/a.html?id=7&utm_source=x") == "http://127.0.0.1:8765/a.html?id=7"


@pytest.mark.parametrize("raw", ["javascript:alert(1)", "data:text/html,hi", "ftp://example.com/x", "/relative"])
def test_unsafe_or_relative_urls_are_refused(raw):
    with pytest.raises(UnsafeUrlError):
        canonical_url(raw)


def test_source_drops_www():
    assert source_of("https://www.bbc.com/hindi/x") == "bbc.com"
