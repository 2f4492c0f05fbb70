"""Benchmark: feed ingest (fetch + parse + canonicalize + score) over N generated feeds.

Generates N feeds x M entries (half Hindi with Devanagari titles and summaries, half English;
half RSS 2.0, half Atom; some with HTML descriptions; some links with utm_* tracking
parameters; about 70% of entries naming both Russia and North Korea, the rest not), serves
them from a loopback `FixtureServer` (in a child process by default, so the server's CPU and
memory are not counted against the pipeline), and runs `pipeline.fetch_feed` for every feed
against a fresh database (the embedded Postgres, or NEWSWATCH_DATABASE_URL's server).

Phases, in this order, on one database:
  1. cold, sequential (one Airflow worker)          -> entries/s, relevant, peak RSS
  2. all-304, sequential (stored ETag sent back)    -> feeds/s, seconds; asserts not_modified
  3. cold again, 4 threads (the DAG maps fetch_feed with up to 4 at once; the feeds'
     etag/last_modified/body_hash are reset first)  -> entries/s
  4. all-304, 4 threads                             -> feeds/s
  5. cold again, sequential, under tracemalloc (a separate pass: tracemalloc slows every
     allocation, so its time is not reported as a throughput figure)
Peak RSS (ru_maxrss) is a high-water mark: each `peak_rss_mb_after_*` figure is the
largest RSS the process had reached by the end of that phase.

    python bench/ingest.py [--quick] [--feeds N] [--entries M] [--in-process-server]

Human-readable lines go to stderr; the last line of stdout is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from xml.sax.saxutils import escape

from _common import fresh_database, report, write_topic  # noqa: E402

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
WORKERS = 4
RELEVANT_SHARE = 0.7
TRACKING_SHARE = 0.3
BASE_DATE = datetime(2026, 1, 15, 6, 0, tzinfo=timezone.utc)  # fixed: reproducible bodies

# Topic terms (aliases from the real topic). Filler vocabularies below avoid all of the
# Russia and North Korea aliases, so an entry is relevant exactly when we put both in.
HI_NK = ["किम जोंग उन", "उत्तर कोरिया", "प्योंगयांग", "उत्तर कोरियाई"]
HI_RU = ["पुतिन", "रूस", "मॉस्को", "रूसी", "क्रेमलिन", "व्लादिमीर पुतिन"]
EN_NK = ["Kim Jong Un", "North Korea", "Pyongyang", "North Korean", "DPRK"]
EN_RU = ["Putin", "Russia", "Moscow", "Russian", "Kremlin", "Vladimir Putin"]

HI_WORDS = (
    "सरकार बैठक समझौता सहयोग सेना तकनीक मंत्रालय प्रवक्ता बयान राजधानी सीमा व्यापार अधिकारी रिपोर्ट "
    "सूत्रों योजना क्षेत्र सुरक्षा विकास चर्चा निर्णय के की का में से पर ने और है हैं था थे कहा गया "
    "लेकिन इस उस अब भी बताया अनुसार दौरान बाद पहले साथ नेता राष्ट्रपति प्रधानमंत्री विदेश नीति देश "
    "दोनों वार्ता हथियार मिसाइल सैन्य रक्षा उपग्रह संबंध अंतरराष्ट्रीय प्रतिबंध संयुक्त राष्ट्र चिंता "
    "विशेषज्ञों मुताबिक सप्ताह मंगलवार बुधवार गुरुवार शुक्रवार"
).split()
HI_OFFTOPIC = (
    "क्रिकेट मैच टीम कप्तान शतक मानसून बारिश किसान फसल बाजार शेयर सेंसेक्स चुनाव मतदान उम्मीदवार "
    "फिल्म अभिनेता अस्पताल स्वास्थ्य शिक्षा परीक्षा परिणाम रेलवे सड़क यातायात मौसम"
).split()
EN_WORDS = (
    "government meeting agreement cooperation army technology ministry spokesman statement capital "
    "border trade officials report sources plan region security development talks the of and to in "
    "a on for with said that was as by at from after its has have leader president minister foreign "
    "policy both countries weapons missile military defence satellite relations international "
    "sanctions United Nations concern analysts according week Tuesday Wednesday Thursday Friday"
).split()
EN_OFFTOPIC = (
    "cricket match team captain century monsoon rain farmers crop market shares Sensex election "
    "voting candidate film actor hospital health education exam results railway road traffic weather"
).split()
SOUTH_KOREA = {"hi": "दक्षिण कोरिया", "en": "South Korea"}  # a near miss: not North Korea


def _words(rng: random.Random, vocab: list[str], n: int) -> list[str]:
    return [rng.choice(vocab) for _ in range(n)]


def _insert(rng: random.Random, words: list[str], *phrases: str) -> list[str]:
    """Put each phrase at a random position among `words` (phrases stay intact)."""
    words = list(words)
    for phrase in phrases:
        words.insert(rng.randint(0, len(words)), phrase)
    return words


def _entry_text(rng: random.Random, lang: str, relevant: bool) -> tuple[str, str]:
    """(title ~12 words, summary ~40 words). Relevant: both a Russia and a North Korea term.
    Irrelevant: off-topic words, sometimes naming one side only (a near miss)."""
    words, offtopic = (HI_WORDS, HI_OFFTOPIC) if lang == "hi" else (EN_WORDS, EN_OFFTOPIC)
    nk_terms, ru_terms = (HI_NK, HI_RU) if lang == "hi" else (EN_NK, EN_RU)
    title_n, summary_n = rng.randint(8, 11), rng.randint(34, 40)
    if relevant:
        title = _insert(rng, _words(rng, words, title_n), rng.choice(nk_terms), rng.choice(ru_terms))
        summary = _insert(rng, _words(rng, words, summary_n), rng.choice(nk_terms), rng.choice(ru_terms))
    else:
        near_miss = rng.random()
        side = (rng.choice(nk_terms) if near_miss < 0.15 else rng.choice(ru_terms) if near_miss < 0.3
                else SOUTH_KOREA[lang] if near_miss < 0.4 else None)
        mixed = _words(rng, offtopic, title_n // 2) + _words(rng, words, title_n - title_n // 2)
        rng.shuffle(mixed)
        title = _insert(rng, mixed, side) if side else mixed
        summary = _words(rng, offtopic, summary_n // 2) + _words(rng, words, summary_n - summary_n // 2)
        rng.shuffle(summary)
        if side:
            summary = _insert(rng, summary, side)
    end = "।" if lang == "hi" else "."
    return " ".join(title), " ".join(summary) + end


def generate_site(root: Path, feeds: int, entries: int, rng: random.Random) -> dict[str, int]:
    """Write feeds/feed{f}.xml (RSS 2.0) or feeds/feed{f}.atom (Atom); return what was made."""
    (root / "feeds").mkdir(parents=True)
    made = {"relevant": 0, "tracking_links": 0, "bytes": 0, "rss": 0, "atom": 0, "html_descriptions": 0}
    for f in range(feeds):
        lang, fmt = feed_kind(f)
        html = f % 3 == 0  # every third feed: HTML in descriptions, as many publishers do
        items = []
        for e in range(entries):
            relevant = rng.random() < RELEVANT_SHARE
            made["relevant"] += relevant
            title, summary = _entry_text(rng, lang, relevant)
            slug = f"{'hi' if lang == 'hi' else 'en'}/2026/01/story-{f}-{e}"
            link = f"__BASE_URL__/{slug}.html"
            if rng.random() < TRACKING_SHARE:
                link += "?utm_source=rss&utm_medium=feed"
                made["tracking_links"] += 1
            published = BASE_DATE - timedelta(minutes=e * 17 + rng.randint(0, 16))
            if html:
                summary = (f'<p><img src="__BASE_URL__/img/{f}-{e}.jpg" alt="" width="300"/></p>'
                           f"<p>{escape(summary)}</p><p><a href=\"{link}\">Read more</a></p>")
                made["html_descriptions"] += 1
            if fmt == "rss":
                description = f"<![CDATA[{summary}]]>" if html else escape(summary)
                items.append(
                    f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
                    f'<guid isPermaLink="false">bench-{f}-{e}</guid>'
                    f"<pubDate>{format_datetime(published, usegmt=True)}</pubDate>"
                    f"<category>{'विश्व' if lang == 'hi' else 'World'}</category>"
                    f"<description>{description}</description></item>")
            else:
                kind = "html" if html else "text"
                items.append(
                    f"<entry><title>{escape(title)}</title>"
                    f'<link rel="alternate" type="text/html" href="{escape(link)}"/>'
                    f"<id>tag:bench.example,2026:{f}-{e}</id>"
                    f"<published>{published.isoformat()}</published><updated>{published.isoformat()}</updated>"
                    f"<author><name>Bench Desk</name></author>"
                    f'<summary type="{kind}">{escape(summary)}</summary></entry>')
        if fmt == "rss":
            made["rss"] += 1
            doc = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                   f"<title>Bench {f}</title><link>__BASE_URL__/</link><description>bench feed {f}</description>"
                   f"<language>{lang}</language>{''.join(items)}</channel></rss>")
        else:
            made["atom"] += 1
            doc = (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
                   f'xml:lang="{lang}"><title>Bench {f}</title><id>tag:bench.example,2026:feed{f}</id>'
                   f'<link rel="alternate" href="__BASE_URL__/"/><updated>{BASE_DATE.isoformat()}</updated>'
                   f"{''.join(items)}</feed>")
        data = doc.encode("utf-8")
        made["bytes"] += len(data)
        (root / "feeds" / feed_file(f)).write_bytes(data)
    return made


def feed_kind(f: int) -> tuple[str, str]:
    """Language alternates; format alternates every two feeds, so each language gets both."""
    return ("hi" if f % 2 == 0 else "en"), ("rss" if (f // 2) % 2 == 0 else "atom")


def feed_file(f: int) -> str:
    return f"feed{f}.xml" if feed_kind(f)[1] == "rss" else f"feed{f}.atom"


_SERVER_CHILD = """
import sys
from pathlib import Path
from newswatch.fixture_server import FixtureServer
server = FixtureServer(Path(sys.argv[1])).start()
print(server.base_url, flush=True)
sys.stdin.read()  # serve until the parent closes our stdin (or exits)
server.stop()
"""


class ChildServer:
    """FixtureServer in a child process: its request handling does not compete for our GIL,
    and its memory is not in our RSS or tracemalloc figures."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.proc: subprocess.Popen[str] | None = None
        self.base_url = ""

    def __enter__(self) -> "ChildServer":
        self.proc = subprocess.Popen([sys.executable, "-c", _SERVER_CHILD, str(self.root)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.base_url = (self.proc.stdout.readline() if self.proc.stdout else "").strip()
        if not self.base_url.startswith("http://"):
            self.__exit__()
            raise RuntimeError("fixture server child did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def current_rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    except (OSError, ValueError, IndexError):
        return float("nan")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 feeds x 100 entries (well under a minute)")
    parser.add_argument("--feeds", type=int, default=None, help="number of feeds (default 100; 20 with --quick)")
    parser.add_argument("--entries", type=int, default=100, help="entries per feed (default 100)")
    parser.add_argument("--in-process-server", action="store_true",
                        help="serve from a thread of this process instead of a child process")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    feeds = args.feeds if args.feeds is not None else (20 if args.quick else 100)
    entries = args.entries
    if feeds < 1 or entries < 1:
        parser.error("--feeds and --entries must be positive")

    from newswatch import pipeline, store
    from newswatch.config import load_topic
    from newswatch.fixture_server import FixtureServer
    from newswatch.store.db import connect, drop_database

    work = Path(tempfile.mkdtemp(prefix="newswatch-bench-ingest-"))
    made = generate_site(work / "site", feeds, entries, random.Random(args.seed))
    write_topic(work / "topic.yaml", [(feed_file(f), feed_kind(f)[0]) for f in range(feeds)])
    say(f"generated {feeds} feeds x {entries} entries ({made['rss']} RSS, {made['atom']} Atom, "
        f"{made['bytes'] / 2**20:.1f} MiB, {made['relevant']} relevant by construction, "
        f"{made['tracking_links']} links with utm_*) in {work}")

    admin, name, db = fresh_database()
    figures: dict[str, object] = {"feeds": feeds, "entries_per_feed": entries}
    server = FixtureServer(work / "site") if args.in_process_server else ChildServer(work / "site")
    try:
        with server:
            os.environ["NEWSWATCH_DEMO_BASE_URL"] = server.base_url
            topic = load_topic(work / "topic.yaml")
            run_id = "bench_ingest"
            pipeline.start_run(topic, run_id, db)
            specs = pipeline.plan_feeds(topic, run_id, db)
            assert len(specs) == feeds, f"planned {len(specs)} of {feeds} feeds"
            gc.collect()
            figures["rss_mb_before_fetch"] = current_rss_mb()
            figures["peak_rss_mb_after_setup"] = peak_rss_mb()

            def reset_validators() -> None:
                with connect(db) as conn:
                    conn.execute("UPDATE feeds SET etag = NULL, last_modified = NULL, body_hash = NULL "
                                 "WHERE topic = %s", (topic.name,))

            def loaded(results):
                """What the load transaction does once the entries are stored: the validators
                take effect (issue 11: fetch_feed alone no longer stores them)."""
                with connect(db) as conn:
                    store.commit_validators(conn, topic.name, results)
                return results

            def run_sequential():
                started = time.perf_counter()
                results = [pipeline.fetch_feed(topic, spec, db) for spec in specs]
                seconds = time.perf_counter() - started
                return loaded(results), seconds

            def run_threads():
                started = time.perf_counter()
                with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                    results = list(pool.map(lambda spec: pipeline.fetch_feed(topic, spec, db), specs))
                seconds = time.perf_counter() - started
                return loaded(results), seconds

            def check_ok(results, label: str) -> None:
                bad = [(r.feed_url, r.status, r.error) for r in results if r.status != "ok"]
                assert not bad, f"{label}: {len(bad)} feeds not ok, e.g. {bad[:3]}"

            def check_not_modified(results, label: str) -> None:
                bad = [(r.feed_url, r.status, r.http_status, r.error) for r in results if r.status != "not_modified"]
                assert not bad, f"{label}: {len(bad)} feeds not answered 304, e.g. {bad[:3]}"

            # 1. cold, sequential
            results, seconds = run_sequential()
            check_ok(results, "cold sequential run")
            seen = sum(r.entries_seen for r in results)
            relevant = sum(len(r.entries) for r in results)
            figures.update({
                "entries": seen, "relevant": relevant, "relevant_by_construction": made["relevant"],
                "irrelevant": sum(r.irrelevant for r in results),
                "quarantined": sum(len(r.quarantined) for r in results),
                "warnings": sum(len(r.warnings) for r in results),
                "tracking_links_left": sum("utm_" in e.url for r in results for e in r.entries),
                "feed_bytes_mb": round(made["bytes"] / 2**20, 2),
                "cold_run_s": round(seconds, 3), "entries_per_s": round(seen / seconds, 1),
                "feeds_per_s": round(feeds / seconds, 2),
                "slowest_feed_s": max(r.elapsed_s for r in results),
                "peak_rss_mb": peak_rss_mb(),
            })
            say(f"cold, sequential: {seen} entries in {seconds:.2f}s = {seen / seconds:.0f} entries/s; "
                f"{relevant} relevant ({made['relevant']} by construction); peak RSS {figures['peak_rss_mb']} MB")
            assert seen == feeds * entries, f"saw {seen} entries, generated {feeds * entries}"
            del results
            gc.collect()

            # 2. all-304, sequential
            results, seconds = run_sequential()
            check_not_modified(results, "second (conditional) run")
            figures.update({"not_modified_run_s": round(seconds, 3),
                            "not_modified_feeds_per_s": round(feeds / seconds, 1),
                            "peak_rss_mb_after_not_modified": peak_rss_mb()})
            say(f"all-304, sequential: {feeds} feeds in {seconds:.2f}s = {feeds / seconds:.1f} feeds/s")

            # 3. cold, 4 threads
            reset_validators()
            results, seconds = run_threads()
            check_ok(results, f"cold run with {WORKERS} workers")
            seen4 = sum(r.entries_seen for r in results)
            assert sum(len(r.entries) for r in results) == relevant, "4-worker run scored differently"
            figures.update({"cold_run_s_4_workers": round(seconds, 3),
                            "entries_per_s_4_workers": round(seen4 / seconds, 1),
                            "peak_rss_mb_after_4_workers": peak_rss_mb()})
            say(f"cold, {WORKERS} workers: {seen4} entries in {seconds:.2f}s = {seen4 / seconds:.0f} entries/s; "
                f"peak RSS {figures['peak_rss_mb_after_4_workers']} MB")
            del results
            gc.collect()

            # 4. all-304, 4 threads
            results, seconds = run_threads()
            check_not_modified(results, f"conditional run with {WORKERS} workers")
            figures.update({"not_modified_run_s_4_workers": round(seconds, 3),
                            "not_modified_feeds_per_s_4_workers": round(feeds / seconds, 1)})
            say(f"all-304, {WORKERS} workers: {feeds} feeds in {seconds:.2f}s = {feeds / seconds:.1f} feeds/s")
            del results
            gc.collect()

            # 5. tracemalloc: a separate cold sequential pass over every feed (timing not reported
            #    as throughput). Peak over the pass (results kept, as the sequential runner does)
            #    and the largest single fetch_feed call's peak above what was live before it.
            reset_validators()
            results = []
            tracemalloc.start()
            try:
                base, _ = tracemalloc.get_traced_memory()
                pass_peak = per_feed_peak = 0
                started = time.perf_counter()
                for spec in specs:
                    before, _ = tracemalloc.get_traced_memory()
                    tracemalloc.reset_peak()
                    results.append(pipeline.fetch_feed(topic, spec, db))
                    _, peak = tracemalloc.get_traced_memory()
                    pass_peak = max(pass_peak, peak - base)
                    per_feed_peak = max(per_feed_peak, peak - before)
                traced_s = time.perf_counter() - started
                retained, _ = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            check_ok(results, "tracemalloc pass")
            figures.update({
                "tracemalloc_pass": f"separate cold sequential pass over all {feeds} feeds",
                "tracemalloc_peak_mb": round(pass_peak / 2**20, 2),
                "tracemalloc_peak_per_feed_mb": round(per_feed_peak / 2**20, 2),
                "tracemalloc_retained_results_mb": round((retained - base) / 2**20, 2),
                "tracemalloc_pass_s": round(traced_s, 2),
                "peak_rss_mb_after_tracemalloc": peak_rss_mb(),
            })
            say(f"tracemalloc pass ({traced_s:.1f}s, slowed by tracing): peak {figures['tracemalloc_peak_mb']} MB "
                f"over the pass, {figures['tracemalloc_peak_per_feed_mb']} MB for the largest single feed, "
                f"{figures['tracemalloc_retained_results_mb']} MB retained in {feeds} FeedResults")
            del results
    finally:
        drop_database(admin, name)
        shutil.rmtree(work, ignore_errors=True)
    figures["server"] = "in-process thread" if args.in_process_server else "child process"
    figures["cpus"] = os.cpu_count()
    report(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
