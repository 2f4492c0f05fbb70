"""Hostile corpus through the pipeline: public feed-parser test corpora and our own fault routes.

The corpus is feedparser's own test cases (malformed feeds, encodings, sanitizer cases with
active content in entries), listed with provenance and sha256 in
tests/fixtures/hostile_feeds/sources.yaml and read from the ignored local folder
(.local/realtext/hostile_feeds/, filled with `newswatch devset fill` from a `fetch` snapshot).
Every case is served as a feed from a loopback server, next to fault routes of our own (headers
dripped at 5 bytes/s, 500, a redirect loop, a redirect into 10.0.0.0/8 and to port 99999, a gzip
bomb, binary bytes, an HTML page, a dropped connection), under a topic that finds every entry
relevant, so each entry goes on to its page (off-loopback names do not resolve here: the run
never leaves the machine). One `run_once`, then the figures:

- crashed: the run raised (target 0); bugs: items isolated as unexpected errors;
- feeds by outcome and error class; entries and the ledger's buckets, balanced per feed;
- active content (markup a browser acts on, script URLs) in any stored article field or any
  quarantine payload title/summary (target 0), and the same for every entry title, summary and
  content value feedparser gives, passed through the record boundary (newswatch.text.sanitize).

    python bench/hostile.py [--quick]

--quick takes every 6th case. Human-readable lines on stderr, the JSON figures last on stdout.
Without the local folder, it runs the fault routes alone and says so (`corpus_cases: 0`).
"""

from __future__ import annotations

import argparse
import gzip
import socket
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
MANIFEST = ROOT / "tests" / "fixtures" / "hostile_feeds" / "sources.yaml"
ACTIVE = regex.compile(r"<\s*/?\s*[a-z!][^>]*>|javascript:|vbscript:|data:text/html|\bon[a-z]+\s*=", regex.I)
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}


def permissive_topic(path: Path, feeds: list[str]) -> Path:
    """Every entry with a common word is relevant: the corpus' entries all go on to their pages."""
    words = ["the", "a", "of", "and", "to", "in", "is", "it", "entry", "item", "title", "description",
             "content", "safe", "feed", "test", "link", "example", "script", "alert", "html", "foo", "bar"]
    lines = ["name: hostile_corpus", "title: Hostile corpus", "languages: [hi, en]",
             "contact: ops@example.org", "sender: newswatch@example.org", "recipients: [analysts@example.org]",
             f"seed_dir: {ROOT / 'include' / 'seed_corpus'}", "relevance_threshold: 0.01", "search: null",
             "keyword_groups:", f"  - {{name: common, weight: 1.0, terms: {{en: [{', '.join(words)}], hi: [और, का]}}}}",
             "http: {timeout_s: 1, max_bytes: 1048576, allow_loopback: true, respect_robots: false}",
             # the corpus is not news: judge each record, never reject the batch as a whole
             "validation: {max_age_days: null, min_text_chars: 1, batch_max_without_text: 1.0}", "feeds:"]
    lines += [f'  - {{name: "{name}", url: "${{NEWSWATCH_DEMO_BASE_URL}}/{name}"}}' for name in feeds]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _respond(status: int, body: bytes = b"", headers: dict[str, str] | None = None):
    def handler(req):
        req.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            req.send_header(name, value)
        req.end_headers()
        req.wfile.write(body)
    return handler


def _drip_headers(req):
    try:
        req.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for byte in b"Content-Type: application/rss+xml\r\nX-Slow: " + b"s" * 200 + b"\r\n\r\n":
            req.wfile.write(bytes([byte]))
            req.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass
    req.close_connection = True


def _drop(req):
    req.close_connection = True
    req.connection.shutdown(socket.SHUT_RDWR)


def fault_routes() -> dict:
    """Our own fault routes: path → handler. Each is also listed as a feed."""
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)
    return {
        "/fault/drip-headers": _drip_headers,
        "/fault/500": _respond(500),
        "/fault/redirect-loop": _respond(302, headers={"Location": "/fault/redirect-loop"}),
        "/fault/redirect-private": _respond(302, headers={"Location": "http://10.0.0.1/feed"}),
        "/fault/redirect-metadata": _respond(302, headers={"Location": "http://100.100.100.200/latest/meta-data"}),
        "/fault/redirect-bad-port": _respond(302, headers={"Location": "http://127.0.0.1:99999/x"}),
        "/fault/redirect-broken-ipv6": _respond(302, headers={"Location": "http://[::1/x"}),
        "/fault/gzip-bomb": _respond(200, bomb, {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}),
        "/fault/binary": _respond(200, bytes(range(256)) * 64, {"Content-Type": "application/octet-stream"}),
        "/fault/html": _respond(200, b"<html><body><p>not a feed</p><script>alert(1)</script></body></html>",
                                {"Content-Type": "text/html"}),
        "/fault/empty": _respond(200),
        "/fault/drop": _drop,
    }


def _is_address(host) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(str(host).split("%", 1)[0])
    except ValueError:
        return False
    return True


@contextmanager
def offline():
    """Names other than loopback do not resolve (the corpus links to example.com and such)."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        if host in LOOPBACK_NAMES or _is_address(host):  # a literal address needs no DNS: the guard judges it
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, f"offline: {host} is not resolved here")

    socket.getaddrinfo = resolve
    try:
        yield
    finally:
        socket.getaddrinfo = real


def boundary_leaks(feeds: dict[str, bytes]) -> tuple[int, int]:
    """(values, values with active content after the record boundary) over every entry title,
    summary and content feedparser gives for the corpus."""
    import feedparser
    from newswatch.text.sanitize import LIMITS, plain_text

    values = leaks = 0
    for body in feeds.values():
        for entry in feedparser.parse(body).entries:
            texts = [entry.get("title", ""), entry.get("summary", "")]
            texts += [c.get("value", "") for c in entry.get("content", []) or []]
            for text in texts:
                if text:
                    values += 1
                    leaks += bool(ACTIVE.search(plain_text(str(text), LIMITS["text"], multiline=True)))
    return values, leaks


def run_corpus(feeds: dict[str, bytes], db_url: str, work: Path, pages: dict[str, bytes] | None = None) -> dict:
    """Serve `feeds` (file name → bytes), `pages` (path → bytes, not feeds) and the fault
    routes, run the pipeline once, measure."""
    import psycopg
    from newswatch import pipeline
    from newswatch.alerts import outbox
    from newswatch.config import load_topic
    from newswatch.fixture_server import FixtureServer
    from psycopg.rows import dict_row

    site = work / "site"
    site.mkdir(parents=True, exist_ok=True)
    for name, body in {**feeds, **(pages or {})}.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(body)
    routes = fault_routes()
    names = sorted(feeds) + [path.lstrip("/") for path in routes if path.startswith("/fault/")]
    figures: dict = {"feeds": len(names)}
    with FixtureServer(site) as server, offline():
        for path, handler in routes.items():
            server.route(path, handler)
        import os

        os.environ["NEWSWATCH_DEMO_BASE_URL"] = server.base_url
        topic = load_topic(permissive_topic(work / "topic.yaml", names))
        started = time.perf_counter()
        try:
            pipeline.run_once(topic, outbox.outbox_deliverer(work / "outbox"), "hostile", db_url)
            figures["crashed"] = 0
        except Exception as exc:  # noqa: BLE001 - the figure is whether it happens
            figures["crashed"], figures["crash"] = 1, f"{type(exc).__name__}: {exc}"[:300]
        figures["run_s"] = round(time.perf_counter() - started, 2)
    with psycopg.connect(db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT status, stats FROM runs WHERE run_id = 'hostile'")
        run = cur.fetchone()
        stats = run["stats"]
        cur.execute("SELECT last_status, last_error_class FROM feeds")
        feed_rows = cur.fetchall()
        cur.execute("""SELECT title, text, summary, source, author, image_url, canonical_url FROM articles
                       WHERE NOT is_seed""")
        stored = cur.fetchall()
        cur.execute("SELECT payload->>'title' AS title, payload->>'summary' AS summary FROM quarantine")
        refused = cur.fetchall()
        cur.execute("SELECT success FROM validation_results WHERE suite = 'stored_articles'")
        checked = cur.fetchone()
    ledger = stats.get("feeds_ledger") or {}
    classes: dict[str, int] = {}
    for row in feed_rows:
        key = row["last_status"] if row["last_status"] != "error" else f"error:{row['last_error_class']}"
        classes[key] = classes.get(key, 0) + 1
    active = sum(bool(ACTIVE.search(row[c] or "")) for row in stored for c in ("title", "text", "summary", "source",
                                                                             "author"))
    active += sum(not (row["image_url"] or "http").startswith("http") for row in stored)
    active += sum(bool(ACTIVE.search(row[c] or "")) for row in refused for c in ("title", "summary"))
    figures.update({
        "run_status": run["status"], "feed_outcomes": dict(sorted(classes.items())),
        "entries_seen": stats.get("entries_seen", 0),
        "irrelevant": sum(f["irrelevant"] for f in ledger.values()),
        "quarantined": sum(f["quarantined"] for f in ledger.values()),
        "duplicates": sum(f["duplicates"] for f in ledger.values()),
        "loaded": sum(f["loaded"] for f in ledger.values()),
        "balanced": bool((stats.get("accounting") or {}).get("balanced")) and all(
            f["seen"] == f["irrelevant"] + f["quarantined"] + f["duplicates"] + f["loaded"] for f in ledger.values()),
        "after_load_checks_passed": bool(checked and checked["success"]),
        "bugs": len(stats.get("bugs") or []), "bug_examples": [b["reason"][:160] for b in (stats.get("bugs") or [])[:5]],
        "active_content_stored": active,
    })
    values, leaks = boundary_leaks(feeds)
    figures.update({"entry_values_checked": values, "active_content_after_boundary": leaks})
    return figures


def corpus(quick: bool) -> dict[str, bytes]:
    from newswatch import devsets

    present = devsets.load(devsets.read_manifest(MANIFEST))
    ids = sorted(present)[:: 6 if quick else 1]
    return {f"{source_id}.xml": present[source_id] for source_id in ids}


def main() -> None:
    from _common import fresh_database, report

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every 6th case (< 1 min)")
    args = parser.parse_args()
    from newswatch.store.db import drop_database
    from newswatch.store.migrate import migrate

    feeds = corpus(args.quick)
    if not feeds:
        print(f"no corpus in the local folder: fill it with `newswatch devset fill {MANIFEST}`; "
              "running the fault routes alone", file=sys.stderr)
    admin, name, db = fresh_database()
    try:
        migrate(db)
        with tempfile.TemporaryDirectory() as tmp:
            figures = {"corpus_cases": len(feeds), **run_corpus(feeds, db, Path(tmp))}
    finally:
        drop_database(admin, name)
    report(figures)


if __name__ == "__main__":
    main()
