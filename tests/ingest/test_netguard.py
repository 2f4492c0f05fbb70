"""Issue 11, items 3 and 4: the SSRF guard is an allow-list, the connection goes to the address
that was checked (no second resolution, every hop), and one deadline covers connect, headers
and body. All against loopback servers; no test leaves the machine (a resolver is patched, and
a connect to anything but loopback is refused by the test before it leaves)."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import DEMO_SITE
from newswatch.config import HttpSettings
from newswatch.fixture_server import FixtureServer
from newswatch.ingest import http as nw_http
from newswatch.ingest.http import FetchError, check_target, fetch
from newswatch.ingest.netguard import refusal
from tlsutil import make_ca

LOOPBACK = HttpSettings(timeout_s=2, max_bytes=1 << 20, allow_loopback=True)
PUBLIC_ONLY = HttpSettings(timeout_s=2, max_bytes=1 << 20, allow_loopback=False)
REAL_GETADDRINFO = socket.getaddrinfo
REAL_CONNECT = socket.socket.connect


@pytest.mark.parametrize("address, why", [
    ("100.64.0.1", "not a globally reachable"),          # CGNAT
    ("100.100.100.200", "not a globally reachable"),     # a cloud metadata address inside CGNAT
    ("192.0.0.192", "not a globally reachable"),         # IETF protocol assignments: Python 3.11 calls it global
    ("2002:a00:1::", "carries 10.0.0.1"),                # 6to4 of 10.0.0.1: Python calls it global
    ("169.254.169.254", "not a globally reachable"),
    ("10.1.2.3", "not a globally reachable"),
    ("::ffff:10.0.0.1", "not a globally reachable"),
    ("64:ff9b::a00:1", "carries 10.0.0.1"),              # NAT64 of 10.0.0.1
    ("::a00:1", "not a globally reachable"),             # IPv4-compatible (deprecated)
    ("fc00::1", "not a globally reachable"),
    ("224.0.0.1", "multicast"),
    ("198.18.0.1", "not a globally reachable"),          # benchmarking
    ("127.0.0.1", "loopback"),
    ("::1", "loopback"),
])
def test_the_guard_refuses_what_is_not_globally_reachable(address, why):
    assert why in (refusal(address) or "")


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2001:4860:4860::8888", "2002:808:808::"])
def test_the_guard_allows_global_addresses(address):
    assert refusal(address) is None


def test_loopback_only_when_the_topic_allows_it():
    assert refusal("127.0.0.1", allow_loopback=True) is None and refusal("::1", allow_loopback=True) is None
    assert refusal("10.0.0.1", allow_loopback=True)  # allowing loopback allows nothing else
    assert refusal("2002:7f00:1::", allow_loopback=True)  # 6to4 of 127.0.0.1 is not "loopback"


def test_a_name_that_resolves_to_public_and_private_is_refused(monkeypatch):
    def both(host, port, *args, **kwargs):
        if host == "split.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", both)
    with pytest.raises(FetchError) as err:
        check_target("http://split.test/", allow_loopback=False)
    assert err.value.error_class == "blocked" and "10.0.0.7" in str(err.value)


@pytest.fixture
def loopback_only_connects(monkeypatch):
    """Every connect in this process to anything but loopback is refused and recorded."""
    attempts: list[tuple] = []

    def connect(sock, address):
        host = address[0]
        if host in ("127.0.0.1", "::1") or host.startswith("127."):
            return REAL_CONNECT(sock, address)
        attempts.append(address)
        raise ConnectionRefusedError(f"test: no connections beyond loopback ({host})")

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


@pytest.fixture
def server():
    with FixtureServer(DEMO_SITE) as srv:
        yield srv


def test_dns_rebinding_cannot_switch_the_checked_address(monkeypatch, server, loopback_only_connects):
    """The resolver answers public first, loopback after: the guard checks the first answer and
    the connection goes to it, so the loopback server is never reached (before issue 11 httpx
    resolved again and connected to 127.0.0.1)."""
    port = server.httpd.server_address[1]
    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1"])
    lookups = []

    def rebinding(host, p, *args, **kwargs):
        if host == "rebind.test":
            lookups.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), p))]
        return REAL_GETADDRINFO(host, p, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with pytest.raises(FetchError) as err:
        fetch(f"http://rebind.test:{port}/feeds/hindi-news.xml", PUBLIC_ONLY, "ops@example.org")
    assert err.value.error_class == "connect"
    assert lookups == ["rebind.test"]  # resolved once
    assert loopback_only_connects == [("93.184.216.34", port)]  # connected to the address checked
    assert server.requests == []  # and never to the loopback server


def test_a_pinned_connection_goes_to_the_checked_address_with_the_host_header(monkeypatch, server):
    port = server.httpd.server_address[1]
    lookups = []

    def once(host, p, *args, **kwargs):
        if host == "pinned.test":
            lookups.append(host)
            if len(lookups) > 1:
                raise AssertionError("resolved twice")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", p))]
        return REAL_GETADDRINFO(host, p, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", once)
    response = fetch(f"http://pinned.test:{port}/feeds/hindi-news.xml", LOOPBACK, "ops@example.org")
    assert response.status == 200 and lookups == ["pinned.test"]
    assert server.requests[-1][1]["host"] == f"pinned.test:{port}"


def test_every_redirect_hop_is_checked_at_connect_time(monkeypatch, server, loopback_only_connects):
    port = server.httpd.server_address[1]

    def hop(req):
        req.send_response(302)
        req.send_header("Location", f"http://inside.test:{port}/feeds/hindi-news.xml")
        req.send_header("Content-Length", "0")
        req.end_headers()

    server.route("/hop", hop)

    def resolve(host, p, *args, **kwargs):
        if host == "inside.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("100.100.100.200", p))]
        return REAL_GETADDRINFO(host, p, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(FetchError) as err:
        fetch(f"{server.base_url}/hop", LOOPBACK, "ops@example.org")
    assert err.value.error_class == "blocked" and "100.100.100.200" in str(err.value)
    assert loopback_only_connects == []


@pytest.mark.parametrize("location, error_class", [("http://127.0.0.1:99999/x", "blocked"),
                                                   ("http://[::1/x", "http_3xx")])
def test_a_redirect_to_a_broken_url_is_a_fetch_error_not_a_crash(server, location, error_class):
    def bad(req):
        req.send_response(302)
        req.send_header("Location", location)
        req.send_header("Content-Length", "0")
        req.end_headers()

    server.route("/bad", bad)
    with pytest.raises(FetchError) as err:
        fetch(f"{server.base_url}/bad", LOOPBACK, "ops@example.org")
    assert err.value.error_class == error_class


def test_tls_to_the_pinned_address_verifies_and_sends_sni_for_the_host_name(monkeypatch, tmp_path):
    ca = make_ca(tmp_path, ["news.pinned.test"])
    seen_sni: list[str | None] = []
    context = ca.server_context()
    context.sni_callback = lambda sslobj, name, ctx: seen_sni.append(name)

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = b"<rss version='2.0'><channel><title>t</title></channel></rss>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]

    def resolve(host, p, *args, **kwargs):
        if host.endswith(".pinned.test"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", p))]
        return REAL_GETADDRINFO(host, p, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(nw_http, "_TLS", ca.client_context())
    try:
        response = fetch(f"https://news.pinned.test:{port}/feed", LOOPBACK, "ops@example.org")
        assert response.status == 200 and seen_sni == ["news.pinned.test"]
        # the certificate is checked against the name, not the address: another name fails
        with pytest.raises(FetchError) as err:
            fetch(f"https://other.pinned.test:{port}/feed", LOOPBACK, "ops@example.org")
        assert err.value.error_class == "connect" and "certificate" in str(err.value).lower()
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_dripped_headers_are_cut_off_at_the_total_deadline():
    """A server that sends its status line and headers one byte every 0.2 s: before issue 11
    only the body was under the deadline, and this fetch took the whole drip (~40 s)."""
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Padding: " + b"p" * 120
            + b"\r\nContent-Length: 2\r\n\r\nok")
    sent = []
    hung_up = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def drip():
        conn, _ = listener.accept()
        conn.recv(4096)
        try:
            for byte in head:
                conn.sendall(bytes([byte]))
                sent.append(byte)
                time.sleep(0.2)
        except OSError:
            hung_up.set()
        finally:
            conn.close()

    threading.Thread(target=drip, daemon=True).start()
    settings = HttpSettings(timeout_s=1, max_bytes=1 << 20, allow_loopback=True)  # deadline 3 s; each read < 1 s
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetch(f"http://127.0.0.1:{listener.getsockname()[1]}/feed", settings, "ops@example.org")
    took = time.monotonic() - started
    listener.close()
    assert err.value.error_class == "timeout" and "deadline" in str(err.value)
    assert len(sent) < len(head) // 2  # the client gave up long before the headers were complete
    assert hung_up.wait(5)  # and hung up on the server
    assert took < 20  # a guard against hanging for the whole drip, not a speed figure

