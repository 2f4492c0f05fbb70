"""Benchmark: the demo's pipeline over N generated feeds served from loopback.

Generates Hindi and English feeds and article pages (most relevant, some not), serves them
from a loopback HTTP server, runs the stages in this process against a fresh database (the
embedded Postgres, or NEWSWATCH_DATABASE_URL's server), and prints entries/s end to end and
per stage, and the claims share of the load (claim extraction, embedding, matching and
verification: `durations.claims` of the run over `durations.load`) with its parts (`claims_parts_s`:
newswatch.claims.timing, texts embedded and read from the cache). Last line: one JSON object of
figures.

    python bench/pipeline.py [--quick] [--feeds N] [--entries M]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import fresh_database, report, write_topic  # noqa: E402

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

HI_WORDS = ("सरकार बैठक समझौता सहयोग सेना तकनीक मंत्रालय प्रवक्ता बयान राजधानी सीमा व्यापार "
            "अधिकारी रिपोर्ट सूत्रों योजना क्षेत्र सुरक्षा विकास चर्चा निर्णय").split()
EN_WORDS = ("government meeting agreement cooperation army technology ministry spokesman statement "
            "capital border trade officials report sources plan region security development talks").split()


def _page(title: str, body: list[str], lang: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><nav>Home | World | Sports</nav><article><h1>{title}</h1>{paragraphs}</article>"
            f"<footer>© Bench News</footer></body></html>")


def generate_site(root: Path, feeds: int, entries: int, rng: random.Random) -> None:
    (root / "feeds").mkdir(parents=True)
    (root / "articles").mkdir()
    for f in range(feeds):
        lang = "hi" if f % 2 == 0 else "en"
        items = []
        for e in range(entries):
            relevant = e % 5 != 4
            slug = f"f{f}-e{e}"
            words = HI_WORDS if lang == "hi" else EN_WORDS
            if lang == "hi":
                title = f"{'किम जोंग उन और पुतिन' if relevant else 'क्रिकेट'} {rng.choice(words)} {slug}"
            else:
                title = f"{'Kim Jong Un and Putin' if relevant else 'Cricket'} {rng.choice(words)} {slug}"
            body = [" ".join(rng.choice(words) for _ in range(60)) + ("।" if lang == "hi" else ".") for _ in range(5)]
            (root / "articles" / f"{slug}.html").write_text(_page(title, body, lang), encoding="utf-8")
            items.append(f"<item><title>{title}</title><link>__BASE_URL__/articles/{slug}.html</link>"
                         f"<guid>{slug}</guid><pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate>"
                         f"<description>{title}</description></item>")
        (root / "feeds" / f"feed{f}.xml").write_text(
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench {f}</title>'
            f"<link>__BASE_URL__/</link><description>bench</description>{''.join(items)}</channel></rss>",
            encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 feeds x 20 entries (< 1 min)")
    parser.add_argument("--feeds", type=int, default=40)
    parser.add_argument("--entries", type=int, default=50)
    args = parser.parse_args()
    feeds, entries = (10, 20) if args.quick else (args.feeds, args.entries)

    from newswatch import pipeline
    from newswatch.alerts import outbox
    from newswatch.config import load_topic
    from newswatch.fixture_server import FixtureServer
    from newswatch.store.db import drop_database

    work = Path(tempfile.mkdtemp(prefix="newswatch-bench-"))
    generate_site(work / "site", feeds, entries, random.Random(7))
    write_topic(work / "topic.yaml", [(f"feed{f}.xml", "hi" if f % 2 == 0 else "en") for f in range(feeds)])
    admin, name, db = fresh_database()
    timings: dict[str, float] = {}

    def timed(stage, fn, *a):
        started = time.perf_counter()
        out = fn(*a)
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started
        return out

    try:
        with FixtureServer(work / "site") as server:
            os.environ["NEWSWATCH_DEMO_BASE_URL"] = server.base_url
            topic = load_topic(work / "topic.yaml")
            run_id = "bench"
            started = time.perf_counter()
            timed("start", pipeline.start_run, topic, run_id, db)
            timed("seeds", pipeline.ensure_seeds, topic, run_id, db)
            specs = timed("plan", pipeline.plan_feeds, topic, run_id, db)
            results = [timed("fetch", pipeline.fetch_feed, topic, s, db) for s in specs]
            extracted = timed("extract", pipeline.extract, topic, run_id, results, db)
            deduped = timed("dedupe", pipeline.dedupe_batch, topic, run_id, extracted, db)
            validated = timed("validate", pipeline.validate, topic, run_id, deduped, db)
            loaded = timed("load", pipeline.load, topic, run_id, results, extracted, deduped, validated, db)
            timed("send", pipeline.send_alerts, topic, run_id, outbox.outbox_deliverer(work / "outbox"), db)
            total = time.perf_counter() - started
            import psycopg

            with psycopg.connect(db) as conn:
                durations, stats = conn.execute("SELECT durations, stats FROM runs WHERE run_id = %s",
                                                (run_id,)).fetchone()
    finally:
        drop_database(admin, name)
    seen = sum(r.entries_seen for r in results)
    relevant = sum(len(r.entries) for r in results)
    figures = {
        "feeds": feeds, "entries": seen, "relevant": relevant, "loaded": loaded.loaded,
        "total_s": round(total, 2), "entries_per_s": round(seen / total, 1),
        "per_stage_s": {k: round(v, 3) for k, v in timings.items()},
        "fetch_entries_per_s": round(seen / timings["fetch"], 1),
        "extract_pages_per_s": round(relevant / timings["extract"], 1),
        "validate_rows_per_s": round(len(validated.valid) / timings["validate"], 1),
        "claims_s": durations.get("claims"),
        "claims_share_of_load": round(durations.get("claims", 0) / max(durations.get("load", 0), 1e-9), 3),
        "claims_parts_s": stats.get("claims_parts"),  # newswatch.claims.timing, with texts embedded / cached
    }
    report(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
