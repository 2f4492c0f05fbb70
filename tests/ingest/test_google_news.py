import base64

import pytest
from newswatch.ingest.google_news import is_google_news, publisher_url

HINDI_URL = ("https://www.hindi-akhbar.example.in/world/"
             "%E0%A4%95%E0%A4%BF%E0%A4%AE-%E0%A4%AA%E0%A5%81%E0%A4%A4%E0%A4%BF%E0%A4%A8-123.html")
LONG_URL = "https://news.example.com/world/asia/" + "kim-jong-un-meets-putin-" * 6 + "story-4567.html?id=4567"


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(tag: bytes, payload: bytes) -> bytes:
    return tag + _varint(len(payload)) + payload


def _old_style_id(url: str, amp_url: str | None = None, first=b"\x08\x13") -> str:
    """Like Google's old ids: field 1 varint, field 4 the URL, optional field 26 (d2 01) the AMP URL."""
    data = first + _field(b"\x22", url.encode())
    if amp_url is not None:
        data += _field(b"\xd2\x01", amp_url.encode())
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _link(article_id: str, path="/rss/articles/", query="?oc=5") -> str:
    return f"https://news.google.com{path}{article_id}{query}"


def test_fixture_ids_look_like_googles():
    assert _old_style_id("https://a.example/x").startswith("CBMi")
    assert _old_style_id("https://a.example/x", first=b"\x08\x02").startswith("CAIi")
    assert base64.urlsafe_b64decode(_old_style_id(LONG_URL) + "==")[3:5] == _varint(len(LONG_URL))


@pytest.mark.parametrize("url", [
    "https://news.example.com/world/kim-putin.html",
    "http://127.0.0.1:8765/a.html?id=7",
    LONG_URL,  # > 127 bytes: two-byte varint length
    HINDI_URL,  # percent-encoded Devanagari path
])
def test_old_style_ids_resolve_offline(url):
    assert len(LONG_URL) > 127
    assert publisher_url(_link(_old_style_id(url))) == url


@pytest.mark.parametrize("link", [
    _link(_old_style_id(HINDI_URL, amp_url=HINDI_URL.replace("/world/", "/amp/world/"))),
    _link(_old_style_id(HINDI_URL), path="/articles/", query="?hl=hi&gl=IN&ceid=IN:hi"),
    _link(_old_style_id(HINDI_URL), path="/__i/rss/rd/articles/", query=""),
    _link(_old_style_id(HINDI_URL, first=b"\x08\x02")),
    _link(_old_style_id(HINDI_URL) + "=="),  # padded
    "HTTPS://NEWS.GOOGLE.COM/rss/articles/" + _old_style_id(HINDI_URL),
])
def test_link_forms_and_amp_field(link):
    assert publisher_url(link) == HINDI_URL


def test_new_style_opaque_id_does_not_resolve():
    token = ("AU_yqLPlFwG4xP98TUwZysCyfpayq7hfIBj1aKPkG1pGfpnApvlpy_kol4J1fG8NbsgV_dFekJa4sQpoKegCUtCgnf"
             "Oj7SKGoGamC1xMepAg9l1WIDJUleKaySKtO5xG6LpssLLwFYyWHP3BfwToG2xyvdYh7SEdR9gClKwkYTMA")
    opaque = base64.urlsafe_b64encode(b"\x08\x13" + _field(b"\x22", token.encode())).decode().rstrip("=")
    assert opaque.startswith("CBMi")
    assert publisher_url(_link(opaque)) is None


@pytest.mark.parametrize("link", [
    "https://news.example.com/rss/articles/" + _old_style_id(HINDI_URL),  # not Google
    "https://news.google.com.evil.example/rss/articles/" + _old_style_id(HINDI_URL),
    "ftp://news.google.com/rss/articles/" + _old_style_id(HINDI_URL),
    "https://news.google.com/rss/search?q=kim&hl=hi&gl=IN&ceid=IN:hi",
    "https://news.google.com/rss/articles/",
    "https://news.google.com/rss/articles/%%%not-base64",
    "https://news.google.com/rss/articles/A",  # impossible base64 length
    "https://news.google.com/rss/articles/CBMiZZZZZZZZ",  # garbage after a plausible prefix
    "https://news.google.com/rss/articles/" + base64.urlsafe_b64encode(b"\xff" * 40).decode(),
    "https://news.google.com/rss/articles/" + _old_style_id(HINDI_URL)[:-20],  # truncated
    "https://news.google.com/rss/articles/" + _old_style_id("javascript:alert(1)"),
    "https://news.google.com/rss/articles/" + _old_style_id("https://"),  # no host
    "https://news.google.com/rss/articles/" + _old_style_id("https://a.example/x y"),
    "not a url", "", "http://[broken/rss/articles/CBMi",
])
def test_everything_else_gives_none_and_never_raises(link):
    assert publisher_url(link) is None


def test_is_google_news():
    assert is_google_news("https://news.google.com/rss/search?q=x")
    assert is_google_news("http://NEWS.google.com./rss/articles/CBMi")
    assert not is_google_news("https://google.com/news")
    assert not is_google_news("https://news.google.com.evil.example/")
    assert not is_google_news("https://news.example.com/")
    assert not is_google_news("javascript:news.google.com")
    assert not is_google_news("http://[broken")
    assert not is_google_news("")
