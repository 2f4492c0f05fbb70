"""Claim novelty against real Postgres: the seeds' claims are known from the start; an English
restatement of a Hindi seed is not new, a new claim is; decisions are explained and idempotent."""

from datetime import datetime, timezone

import psycopg
import pytest
from conftest import ROOT
from newswatch.claims import novelty
from newswatch.config import load_topic
from newswatch.extract.article import extract_article
from newswatch.records import Article
from newswatch.seeds import load_topic_seeds
from newswatch.store import insert_article
from newswatch.text.normalize import content_hash

TOPIC = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
PAGES = ROOT / "include" / "demo" / "site" / "articles"
NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
BASE = "http://127.0.0.1:8765"


def _page(name: str) -> Article:
    html = (PAGES / name).read_text(encoding="utf-8").replace("__BASE_URL__", BASE)
    page = extract_article(html, f"{BASE}/articles/{name}")
    return Article(url=f"https://news.example/{name}", title=page.title, text=page.text, language=page.language,
                   fetched_at=NOW, content_hash=content_hash(page.text))


def _text(title: str, text: str, language: str, url: str) -> Article:
    return Article(url=url, title=title, text=text, language=language, fetched_at=NOW, content_hash=content_hash(text))


@pytest.fixture
def conn(db_url):
    with psycopg.connect(db_url) as conn:
        load_topic_seeds(conn, TOPIC)  # stores the seeds' claims as known
        yield conn


def _seed_id(conn, name: str) -> int:
    return conn.execute("SELECT id FROM articles WHERE canonical_url = %s", (f"seed://{TOPIC.name}/{name}",)).fetchone()[0]


def _store(conn, article: Article, story_of: int | None = None) -> int:
    run = conn.execute("INSERT INTO runs (topic, run_id) VALUES (%s, %s) ON CONFLICT (topic, run_id) "
                       "DO UPDATE SET topic = EXCLUDED.topic RETURNING id", (TOPIC.name, "r1")).fetchone()[0]
    article_id = insert_article(conn, TOPIC.name, article, run=run)
    story = conn.execute("SELECT story_id FROM articles WHERE id = %s", (story_of,)).fetchone()[0] if story_of else None
    conn.execute("UPDATE articles SET story_id = %s WHERE id = %s", (story or article_id, article_id))
    return article_id


def _claims(conn, article_id: int) -> list[tuple]:
    return conn.execute("""SELECT c.sentence, c.is_new, c.similarity, a.canonical_url FROM claims c
                           LEFT JOIN articles a ON a.id = c.nearest_article_id
                           WHERE c.article_id = %s ORDER BY c.position""", (article_id,)).fetchall()


def test_seed_claims_are_stored_known_and_indexed(conn):
    rows = conn.execute("""SELECT count(*), count(*) FILTER (WHERE is_new), count(DISTINCT article_id)
                           FROM claims WHERE is_seed""").fetchone()
    assert rows[0] >= 15 and rows[1] == 0 and rows[2] == 5
    # each stored with its representation, made once, when the seed was stored
    assert conn.execute("SELECT count(*) FROM claims WHERE is_seed AND embedding IS NOT NULL AND category = 'seed'"
                        ).fetchone()[0] == rows[0]
    assert novelty.assess_seeds(conn, TOPIC) == 0  # done once


def test_an_english_restatement_of_a_hindi_seed_is_not_a_new_development(conn):
    seed = _seed_id(conn, "000_e56069da11864369.txt")
    restated = _store(conn, _page("us-officials-kim-expected-to-travel-to-russia.html"), story_of=seed)
    result = novelty.assess_articles(conn, TOPIC, [restated])
    assert result.not_new == [restated] and result.claims_new == 0
    claims = _claims(conn, restated)
    assert len(claims) >= 5
    # each measured against a seed of the story (000, or another seed that reports the same)
    assert all(not is_new and url.startswith(f"seed://{TOPIC.name}/") for _, is_new, _, url in claims)
    assert sum(url.endswith("000_e56069da11864369.txt") for *_, url in claims) >= len(claims) // 2
    is_new, why = conn.execute("SELECT is_new_development, novelty FROM articles WHERE id = %s", (restated,)).fetchone()
    assert is_new is False and why["why"] == f"known story; all {len(claims)} of its claims are already known"
    assert why["nearest"]["url"] == f"seed://{TOPIC.name}/000_e56069da11864369.txt"


def test_a_new_claim_in_a_known_story_makes_a_new_development_and_says_against_what(conn):
    seed = _seed_id(conn, "001_8aeed890fbe92ce9.txt")
    article = _store(conn, _page("upgrah-takneek-samjhauta-rus-uttar-korea.html"), story_of=seed)
    result = novelty.assess_articles(conn, TOPIC, [article])
    assert result.new_developments == [article] and result.new_stories == 0
    claims = _claims(conn, article)
    voronin = next(c for c in claims if "वोरोनिन ने बुधवार" in c[0])
    category = conn.execute("SELECT category FROM claims WHERE sentence = %s", (voronin[0],)).fetchone()[0]
    assert voronin[1] is True and category == "new" and voronin[3].startswith("seed://")
    why = conn.execute("SELECT novelty FROM articles WHERE id = %s", (article,)).fetchone()[0]
    assert why["new_story"] is False and why["new_claims"] == sum(c[1] for c in claims) >= 1
    assert why["why"].endswith("in a known story")


def test_an_article_opening_a_story_is_new_even_without_claims(conn):
    article = _store(conn, _text("Drone plant", "Kim Jong Un toured a drone plant in Pyongyang on Monday. "
                                 "Russian engineers were seen at the site.", "en", "https://x.example/drones"))
    result = novelty.assess_articles(conn, TOPIC, [article])
    assert result.new_developments == [article] and result.new_stories == 1
    assert conn.execute("SELECT novelty->>'why' FROM articles WHERE id = %s", (article,)).fetchone()[0] == "opens a new story"


def test_a_claim_seen_in_another_story_is_known_through_the_claim_index(conn):
    said = ("Russian Deputy Defence Minister Alexei Krivoruchko said Russia will deliver 24 MiG-29 fighter jets "
            "to North Korea before the end of next year under the new agreement.")
    first = _store(conn, _text("Jets", said, "en", "https://a.example/jets"))
    novelty.assess_articles(conn, TOPIC, [first])
    # another outlet, weeks later, another story: the same claim with small edits
    edited = said.replace("Russian Deputy Defence Minister", "Deputy defence minister").replace("the new", "a new")
    second = _store(conn, _text("MiG-29s for Pyongyang", "Some context first. " + edited, "en", "https://b.example/migs"))
    result = novelty.assess_articles(conn, TOPIC, [second])
    [(sentence, is_new, similarity, url)] = [c for c in _claims(conn, second) if "MiG-29" in c[0]]
    assert (is_new, url) == (False, "https://a.example/jets") and similarity >= TOPIC.claims.new_threshold
    assert result.claims_new == 0 and result.new_stories == 1  # still a new development: a new story


def test_assessing_again_changes_nothing(conn):
    seed = _seed_id(conn, "001_8aeed890fbe92ce9.txt")
    article = _store(conn, _page("upgrah-takneek-samjhauta-rus-uttar-korea.html"), story_of=seed)
    novelty.assess_articles(conn, TOPIC, [article])
    before = conn.execute("SELECT count(*), (SELECT novelty FROM articles WHERE id = %s) FROM claims", (article,)).fetchone()
    novelty.assess_articles(conn, TOPIC, [article])
    assert conn.execute("SELECT count(*), (SELECT novelty FROM articles WHERE id = %s) FROM claims", (article,)).fetchone() == before


def test_a_seed_claim_of_one_topic_is_news_in_another(conn):
    said = conn.execute("SELECT sentence FROM claims WHERE is_seed ORDER BY id LIMIT 1").fetchone()[0]
    here = _store(conn, _text("Again", said, "hi", "https://a.example/again"))
    other_run = conn.execute("INSERT INTO runs (topic, run_id) VALUES ('china_taiwan', 'r1') RETURNING id").fetchone()[0]
    there = insert_article(conn, "china_taiwan", _text("Again", said, "hi", "https://b.example/again"), run=other_run)
    conn.execute("UPDATE articles SET story_id = id WHERE id = %s", (there,))
    novelty.assess_articles(conn, TOPIC, [here, there])
    assert [c[1] for c in _claims(conn, here)] == [False]  # the seed's words: known here
    assert [c[1] for c in _claims(conn, there)] == [True]  # the other topic's readers never saw them


def test_a_copy_whose_original_was_quarantined_in_the_same_batch_is_stored_and_alerted(db_url, tmp_path):
    from newswatch import pipeline, store
    from newswatch.records import DedupeBatch, DuplicateDecision, ExtractBatch, QuarantineRecord, ValidatedBatch

    original = _text("Rail line to Russia", "North Korea opened a rail line to Russia, officials said. " * 20,
                     "en", "https://one.example/rail")
    copy = original.model_copy(update={"url": "https://two.example/rail", "title": "Rail line opens"})
    with psycopg.connect(db_url) as conn:
        load_topic_seeds(conn, TOPIC)
        store.ensure_run(conn, TOPIC.name, "r1")
    deduped = DedupeBatch(new=[original], duplicates=[DuplicateDecision(
        url=copy.url, title=copy.title, layer="minhash", duplicate_of_url=original.url, article=copy)])
    # validation refused the first copy (say, a date far in the future); the second is fine
    validated = ValidatedBatch(valid=[copy], quarantined=[QuarantineRecord(
        stage="validate", reason="published_at is in the future", item_key=original.url)])
    result = pipeline.load(TOPIC, "r1", [], ExtractBatch(articles=[original, copy]), deduped, validated, db_url)
    assert (result.loaded, result.duplicates_stored) == (1, 0) and result.alert_id is not None
    with psycopg.connect(db_url) as conn:
        row = conn.execute("SELECT duplicate_of, is_new_development FROM articles WHERE canonical_url = %s",
                           (copy.url,)).fetchone()
        body = conn.execute("SELECT body_text FROM alerts WHERE id = %s", (result.alert_id,)).fetchone()[0]
    assert row == (None, True) and "Rail line opens" in body
