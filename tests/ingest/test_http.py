"""The HTTP client against a loopback server: errors are classified, limits hold, the
SSRF guard refuses internal targets unless loopback is explicitly allowed."""

import pytest
from conftest import DEMO_SITE
from newswatch.config import HttpSettings
from newswatch.fixture_server import FixtureServer
from newswatch.ingest.http import FetchError, fetch

ALLOW = HttpSettings(timeout_s=5, max_bytes=64 * 1024, allow_loopback=True)


@pytest.fixture
def server():
    with FixtureServer(DEMO_SITE) as srv:
        def status(code):
            def handler(req):
                req.send_response(code)
                req.send_header("Content-Length", "0")
                req.end_headers()
            return handler

        def endless(req):  # no Content-Length: the cap must hold while streaming
            req.send_response(200)
            req.send_header("Content-Type", "text/html")
            req.end_headers()
            for _ in range(200):
                req.wfile.write(b"x" * 4096)

        def redirect_to(target):
            def handler(req):
                req.send_response(302)
                req.send_header("Location", target)
                req.send_header("Content-Length", "0")
                req.end_headers()
            return handler

        srv.route("/500", status(500))
        srv.route("/big", endless)
        srv.route("/loop", redirect_to("/loop"))
        srv.route("/to-private", redirect_to("http://10.1.2.3/admin"))
        yield srv


def _error(url, settings=ALLOW) -> FetchError:
    with pytest.raises(FetchError) as err:
        fetch(url, settings, "ops@example.org")
    return err.value


def test_feed_fetch_sends_user_agent_and_supports_304(server):
    url = f"{server.base_url}/feeds/hindi-news.xml"
    first = fetch(url, ALLOW, "ops@example.org")
    assert first.status == 200 and "समाचार" in first.body.decode("utf-8")
    assert "newswatch" in server.requests[-1][1]["user-agent"] and "ops@example.org" in server.requests[-1][1]["user-agent"]
    again = fetch(url, ALLOW, "ops@example.org", {"If-None-Match": first.headers["etag"]})
    assert again.status == 304 and again.body == b""


@pytest.mark.parametrize("path, error_class, status", [
    ("/articles/missing-page.html", "http_4xx", 404), ("/500", "http_5xx", 500),
    ("/big", "too_large", 200), ("/loop", "redirects", None), ("/to-private", "blocked", None),
])
def test_failures_are_classified(server, path, error_class, status):
    err = _error(server.base_url + path)
    assert (err.error_class, err.status) == (error_class, status)


def test_loopback_is_refused_unless_allowed(server):
    err = _error(f"{server.base_url}/feeds/hindi-news.xml", HttpSettings())
    assert err.error_class == "blocked" and "127.0.0.1" in str(err)
    assert len(server.requests) == 0  # refused before connecting


def test_non_http_schemes_are_refused():
    assert _error("file:///etc/passwd").error_class == "blocked"
