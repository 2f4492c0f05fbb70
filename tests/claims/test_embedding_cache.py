"""The embedding cache (migration 0009, newswatch.claims.vectors) on real Postgres: a text is
embedded once, ever; a second night embeds nothing it saw; the answers with and without the
cache are the same, bit for bit; a retried or rolled-back load leaves it consistent; plain
bytea, so a server without pgvector serves it."""

from datetime import datetime, timezone

import numpy as np
import psycopg
from conftest import ROOT, fresh_database
from newswatch.claims import novelty
from newswatch.claims.representation import embedder_for
from newswatch.claims.vectors import Vectors, cache_key, embed_form
from newswatch.config import load_topic
from newswatch.extract.article import extract_article
from newswatch.records import Article
from newswatch.seeds import load_topic_seeds
from newswatch.store import insert_article
from newswatch.store.migrate import migrate
from newswatch.text.normalize import content_hash

TOPIC = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
PAGES = ROOT / "include" / "demo" / "site" / "articles"
NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
# two nights: the second republishes the first's pages under new addresses (and one new page)
FIRST = ["putin-kim-sign-defence-industry-roadmap.html", "uttar-korea-hathiyar-dave-khandan.html"]
SECOND = FIRST + ["north-korean-soldiers-kursk-3000-seoul.html"]


def _page(name: str, night: str) -> Article:
    html = (PAGES / name).read_text(encoding="utf-8").replace("__BASE_URL__", "http://127.0.0.1:8765")
    page = extract_article(html, f"http://127.0.0.1:8765/articles/{name}")
    return Article(url=f"https://{night}.example/{name}", title=page.title, text=page.text, language=page.language,
                   fetched_at=NOW, content_hash=content_hash(page.text + night))


def _load(conn, night: str, names: list[str]) -> list[int]:
    run = conn.execute("INSERT INTO runs (topic, run_id) VALUES (%s, %s) RETURNING id", (TOPIC.name, night)).fetchone()[0]
    ids = []
    for name in names:
        article_id = insert_article(conn, TOPIC.name, _page(name, night), run=run)
        conn.execute("UPDATE articles SET story_id = id WHERE id = %s", (article_id,))
        ids.append(article_id)
    return ids


def _answers(conn, ids: list[int]) -> list[tuple]:
    return conn.execute(
        """SELECT a.canonical_url, c.position, c.sentence, c.category, c.similarity, m.sentence, c.changed::text,
                  c.embedding FROM claims c JOIN articles a ON a.id = c.article_id
           LEFT JOIN claims m ON m.id = c.matched_claim_id WHERE c.article_id = ANY(%s)
           ORDER BY a.id, c.position""", (ids,)).fetchall()


def _cached(conn) -> int:
    return conn.execute("SELECT count(*) FROM embedding_cache").fetchone()[0]


def test_embed_form_folds_what_the_model_must_not_see_twice():
    assert embed_form("  रूस  ने\u200d कहा,\n\tफ़ौज ") == "रूस ने कहा, फौज"
    assert cache_key("उत्तर कोरिया ने फ़ौज भेजी") == cache_key("उत्तर  कोरिया ने फौज भेजी")
    # case, digits and punctuation reach the model: they are other texts
    assert cache_key("Kim said 12") != cache_key("kim said 12")
    assert cache_key("Kim said 12") != cache_key("Kim said १२")


def test_a_second_night_embeds_nothing_it_saw(db_url):
    with psycopg.connect(db_url) as conn:
        load_topic_seeds(conn, TOPIC)
        seeded = _cached(conn)
        assert seeded >= 15  # the seeds' claims, embedded once when the seeds were stored
        first = novelty.assess_articles(conn, TOPIC, _load(conn, "night1", FIRST))
        assert first.embedded > 0 and first.claims_total > 0
        after_first = _cached(conn)
        assert after_first == seeded + first.embedded
        conn.commit()
        again = novelty.assess_articles(conn, TOPIC, _load(conn, "night2", FIRST))
        # the same pages again: every text is read from the cache, none embedded
        assert again.embedded == 0 and again.cached > 0
        assert again.claims_total == first.claims_total
        third = novelty.assess_articles(conn, TOPIC, _load(conn, "night3", SECOND))
        # only the new page's texts are embedded; the cache grows by exactly those
        assert 0 < third.embedded < third.claims_total
        assert _cached(conn) == after_first + third.embedded
        assert set(third.timing.as_dict()) == {"extract", "embed", "retrieve", "judge", "store"}
        assert third.timing.embed > 0 and third.timing.total > 0


def _two_nights(url: str, forget_between: bool) -> list[tuple]:
    with psycopg.connect(url) as conn:
        load_topic_seeds(conn, TOPIC)
        novelty.assess_articles(conn, TOPIC, _load(conn, "night1", FIRST))
        if forget_between:
            conn.execute("DELETE FROM embedding_cache")
        second = _load(conn, "night2", SECOND)
        result = novelty.assess_articles(conn, TOPIC, second)
        assert (result.cached == 0) == forget_between
        conn.commit()
        return _answers(conn, second)


def test_the_answers_with_and_without_the_cache_are_identical(pg_admin_url):
    """Night 2 once reading night 1's vectors from the cache, once with the cache emptied (every
    text embedded anew): the same categories, matches, similarities and stored vectors."""
    with fresh_database(pg_admin_url) as a, fresh_database(pg_admin_url) as b:
        migrate(a)
        migrate(b)
        cached, fresh = _two_nights(a, False), _two_nights(b, True)
    assert len(cached) > 10
    assert cached == fresh
    assert {row[3] for row in cached} - {"new"}  # something was matched, not only new claims


def test_the_cache_gives_the_models_vectors_bit_for_bit(db_url):
    embedder = embedder_for(TOPIC.claims.embedder)
    texts = ["Kim Jong Un will visit Moscow next month.", "उत्तर कोरिया ने  फ़ौज भेजी", "Kim Jong Un will visit Moscow next month."]
    with psycopg.connect(db_url) as conn:
        first = Vectors(embedder, conn)
        made = first.get(texts)
        assert first.embedded == 2 and first.reused == 0  # the repeat within the batch: embedded once
        again = Vectors(embedder, conn)
        read = again.get(texts)
        assert again.embedded == 0 and again.cached == 2
    direct = embedder.embed([embed_form(t) for t in texts])
    assert made.tobytes() == read.tobytes() == np.asarray(direct, dtype=np.float32).tobytes()


def test_a_retried_or_rolled_back_load_keeps_the_cache_consistent(db_url):
    with psycopg.connect(db_url) as conn:
        load_topic_seeds(conn, TOPIC)
        conn.commit()
        seeded = _cached(conn)
        ids = _load(conn, "night1", FIRST)
        conn.commit()
        first = novelty.assess_articles(conn, TOPIC, ids)
        conn.rollback()  # the load died: its claims and its vectors are gone together
        assert _cached(conn) == seeded
        retried = novelty.assess_articles(conn, TOPIC, ids)
        assert retried.embedded == first.embedded and retried.claims_total == first.claims_total
        conn.commit()
        # a retry after the commit assesses nothing and writes nothing
        done = novelty.assess_articles(conn, TOPIC, ids)
        assert done.claims_total == 0 and done.embedded == 0
        assert _cached(conn) == seeded + first.embedded
        # writing vectors that are there already is a no-op, not an error (two loads racing)
        embedder = embedder_for(TOPIC.claims.embedder)
        vectors = Vectors(embedder, conn)
        text = "The delegation arrived in Pyongyang on Monday."
        vectors.get([text])
        vectors._write([cache_key(text)], embedder.embed([text]))
        assert conn.execute("SELECT count(*) FROM embedding_cache WHERE sha = %s", (cache_key(text),)).fetchone()[0] == 1


def test_the_cache_needs_no_extension(db_url):
    """Plain bytea columns: the machine's PostgreSQL without pgvector serves the cache as is."""
    with psycopg.connect(db_url) as conn:
        types = dict(conn.execute("""SELECT column_name, data_type FROM information_schema.columns
                                     WHERE table_name = 'embedding_cache'""").fetchall())
        assert types["sha"] == types["vector"] == "bytea"
        has_vector = conn.execute("SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'").fetchone()[0]
        installed = conn.execute("SELECT count(*) FROM pg_extension WHERE extname = 'vector'").fetchone()[0]
        assert installed == 0  # the migrations never ask for it, whether or not the server has it
        embedder = embedder_for(TOPIC.claims.embedder)
        made = Vectors(embedder, conn).get(["Moscow denied the report."])
        read = Vectors(embedder, conn)
        assert read.get(["Moscow  denied the report."]).tobytes() == made.tobytes() and read.cached == 1
        print(f"pgvector available on this server: {bool(has_vector)}")


def test_claims_without_a_representation_are_filled_from_the_cache(db_url):
    """Claims stored before their representation (migration 0008's backfill) get it through the
    cache: the seeds' texts were embedded when the seeds were stored, so nothing is embedded again."""
    with psycopg.connect(db_url) as conn:
        load_topic_seeds(conn, TOPIC)
        before = conn.execute("SELECT id, embedding FROM claims ORDER BY id").fetchall()
        conn.execute("UPDATE claims SET embedding = NULL, embedder = NULL")
        vectors = Vectors(embedder_for(TOPIC.claims.embedder), conn)
        assert novelty.ensure_embeddings(conn, TOPIC.name, vectors) == len(before)
        assert vectors.embedded == 0 and vectors.cached > 0
        assert conn.execute("SELECT id, embedding FROM claims ORDER BY id").fetchall() == before
