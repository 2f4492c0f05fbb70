"""Exact dedupe layers against a real Postgres holding the seeds."""

from datetime import datetime, timezone

import psycopg
import pytest
from conftest import ROOT
from newswatch.dedupe.layers import index_articles, split_known_entries
from newswatch.records import Article, FeedEntry
from newswatch.seeds import load_seeds, read_seed
from newswatch.store import insert_article, unindexed_ids
from newswatch.text.normalize import content_hash
from newswatch.wired import dedupe_articles

SEEDS = ROOT / "include" / "seed_corpus"
NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
NEW_TEXT = "रूस और उत्तर कोरिया ने उपग्रह तकनीक के हस्तांतरण पर नए समझौते पर हस्ताक्षर किए। " * 5


def _article(url: str, text: str, guid: str | None = None) -> Article:
    return Article(url=url, guid=guid or url, title="शीर्षक", text=text, language="hi", fetched_at=NOW,
                   content_hash=content_hash(text))


@pytest.fixture
def conn(db_url):
    with psycopg.connect(db_url) as conn:
        load_seeds(conn, "russia_north_korea", SEEDS)
        index_articles(conn, None, unindexed_ids(conn, "russia_north_korea", seeds_only=True))
        insert_article(conn, "russia_north_korea", _article("https://a.example/stored", NEW_TEXT + "x", "g-stored"), run=None)
        yield conn


def test_republished_seed_text_at_a_new_url_is_a_duplicate_of_the_seed(conn):
    seed = read_seed("russia_north_korea", SEEDS / "002_b301b58a1966a28f.txt")
    # other whitespace, danda spacing and nukta spelling: still the same text
    copy = seed.text.replace("\n\n", "\n").replace("ज़रूरत", "जरूरत")
    assert "ज़रूरत" in seed.text and "ज़रूरत" not in copy
    result = dedupe_articles(conn, [_article("https://other.example/copy", copy)])
    assert result.new == []
    [decision] = result.duplicates
    assert (decision.layer, decision.duplicate_of_url) == ("content_hash", seed.url)
    assert decision.article is not None  # the copy itself is stored, pointing at the seed


def test_stored_url_and_guid_are_duplicates_and_new_text_is_new(conn):
    result = dedupe_articles(conn, [
        _article("https://a.example/stored", "other text entirely " * 20),
        _article("https://b.example/moved", "yet another text " * 20, guid="g-stored"),
        _article("https://c.example/new", NEW_TEXT),
    ])
    assert [a.url for a in result.new] == ["https://c.example/new"]
    assert [(d.layer, d.duplicate_of_url) for d in result.duplicates] == [
        ("url", "https://a.example/stored"), ("guid", "https://a.example/stored")]


def test_same_text_twice_in_one_batch_keeps_the_first(conn):
    result = dedupe_articles(conn, [_article("https://c.example/1", NEW_TEXT), _article("https://d.example/2", NEW_TEXT)])
    assert [a.url for a in result.new] == ["https://c.example/1"]
    assert [(d.layer, d.duplicate_of_url) for d in result.duplicates] == [("content_hash", "https://c.example/1")]


def test_known_entries_are_dropped_before_their_pages_are_fetched(conn):
    def entry(url, guid, raw=None):
        return FeedEntry(feed_url="https://f.example/rss", guid=guid, url=url, raw_url=raw or url, title="t")

    fresh, known = split_known_entries(conn, [
        entry("https://a.example/stored", "g1"),
        entry("https://c.example/x", "g2"),
        entry("https://c.example/x", "g3", raw="https://c.example/x?utm_source=rss"),
        entry("https://e.example/y", "g2"),
    ])
    assert [e.guid for e in fresh] == ["g2"]
    assert [(d.layer, d.duplicate_of_url, d.raw_url) for d in known] == [
        ("url", "https://a.example/stored", None),
        ("url", "https://c.example/x", "https://c.example/x?utm_source=rss"),
        ("guid", "https://c.example/x", None),
    ]


# --- near-duplicates (MinHash-LSH) ---------------------------------------------------------

def _seed_text(name: str) -> str:
    return read_seed("russia_north_korea", SEEDS / name).text


def test_truncated_republication_of_a_seed_with_other_boilerplate_is_a_near_duplicate_of_the_seed(conn):
    from newswatch.text.normalize import tokens

    seed_url = "seed://russia_north_korea/001_8aeed890fbe92ce9.txt"
    words = _seed_text("001_8aeed890fbe92ce9.txt").split(" ")
    copy = "नई दिल्ली (एजेंसी)। " + " ".join(words[: len(words) * 2 // 5]) + "\nयह भी पढ़ें: शेयर बाजार में तेजी"
    assert len(tokens(copy)) < 0.5 * len(tokens(" ".join(words)))
    result = dedupe_articles(conn, [_article("https://syndicate.example/putin-visit", copy)])
    assert result.new == []
    [decision] = result.duplicates
    assert (decision.layer, decision.duplicate_of_url, decision.rule) == ("minhash", seed_url, "containment")
    assert decision.duplicate_of_id is not None and decision.containment >= 0.6 > decision.jaccard
    assert decision.article is not None and decision.similarity == decision.containment


def test_edited_copy_with_a_new_headline_is_a_near_duplicate_and_another_outlets_report_is_new(conn):
    text = _seed_text("003_f084d162026dfd09.txt")
    edited = text.replace("Subscribe to Our YouTube Channel!", "").replace("जानकारी", "सूचना", 2) + "\n© सर्वाधिकार सुरक्षित"
    same_event = _seed_text("000_e56069da11864369.txt")  # the same event in other words (seed 000)
    conn.execute("DELETE FROM articles WHERE canonical_url LIKE %s", ("%000_e56069da11864369.txt",))
    result = dedupe_articles(conn, [
        Article(url="https://copy.example/kim", guid="g-copy", title="बड़ी खबर: किम रूस जाएंगे", text=edited,
                language="hi", fetched_at=NOW, content_hash=content_hash(edited)),
        _article("https://other.example/kim", same_event),
    ])
    assert [a.url for a in result.new] == ["https://other.example/kim"]
    [decision] = result.duplicates
    assert decision.layer == "minhash" and decision.duplicate_of_url.endswith("003_f084d162026dfd09.txt")
    assert decision.rule == "jaccard" and decision.jaccard >= 0.5


def test_near_copies_within_one_batch_keep_the_first(conn):
    base = ("उत्तर कोरिया ने रूस को तोपखाने के गोले भेजने के लिए नई रेल लाइन का इस्तेमाल शुरू किया है। "
            "उपग्रह तस्वीरों में तुमनगांग स्टेशन पर सैकड़ों कंटेनर दिखाई दिए। विशेषज्ञों का कहना है कि यह आपूर्ति "
            "पिछले महीने के समझौते के बाद तेज हुई है। दक्षिण कोरिया की खुफिया सेवा ने भी इसकी पुष्टि की है। ") * 3
    first = _article("https://one.example/rail", base)
    second = _article("https://two.example/rail", "ताजा खबर: " + base.replace("सैकड़ों", "कई सौ") + " विज्ञापन")
    result = dedupe_articles(conn, [first, second])
    assert [a.url for a in result.new] == ["https://one.example/rail"]
    [decision] = result.duplicates
    assert (decision.layer, decision.duplicate_of_id, decision.duplicate_of_url) == ("minhash", None, first.url)


def test_index_articles_indexes_originals_once_and_republications_without_bands(conn):
    from newswatch.dedupe.layers import index_articles

    original = insert_article(conn, "russia_north_korea", _article("https://o.example/1", NEW_TEXT + " मूल"), run=None)
    copy = insert_article(conn, "russia_north_korea", _article("https://o.example/2", NEW_TEXT + " प्रति"), run=None,
                          duplicate_of=original, duplicate_layer="minhash", similarity=0.9)
    assert index_articles(conn, None, [original, copy]) == 42
    assert index_articles(conn, None, [original, copy]) == 0  # a retried load adds nothing
    rows = dict(conn.execute(
        "SELECT a.id, count(b.*) FROM articles a LEFT JOIN article_bands b ON b.article_id = a.id "
        "WHERE a.id = ANY(%s) AND a.minhash IS NOT NULL GROUP BY a.id", ([original, copy],)).fetchall())
    assert rows == {original: 42, copy: 0}
    # the seeds were indexed when stored
    assert conn.execute("SELECT count(DISTINCT article_id) FROM article_bands b JOIN articles a ON a.id = b.article_id "
                        "WHERE a.is_seed").fetchone()[0] == 5


def test_title_similarity_keeps_devanagari_words_whole():
    from newswatch.dedupe.layers import title_key, title_similarity

    assert title_key("किम जोंग-उन, पुतिन से मिले।") == "किम जोंग उन पुतिन से मिले"
    assert title_similarity("किम जोंग उन पुतिन से मिलने रूस पहुंचे", "रूस पहुंचे किम जोंग उन, पुतिन से मिलने") == 100
    assert title_similarity("किम रूस पहुंचे", "किम रूस पहुँचे") < 100  # a different word is a different word


def test_reindex_rebuilds_the_same_index(conn):
    from newswatch.after_store import index_unindexed, reindex
    from newswatch.config import load_topic

    topic = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
    assert index_unindexed(conn, topic) == 1  # the article the fixture stored without indexing
    before = conn.execute("SELECT band, hash, article_id FROM article_bands ORDER BY 1, 2, 3").fetchall()
    assert reindex(conn, topic) == 6  # the five seeds and the stored article
    assert conn.execute("SELECT band, hash, article_id FROM article_bands ORDER BY 1, 2, 3").fetchall() == before


def test_the_number_of_queries_does_not_grow_with_the_batch_or_the_corpus(conn, monkeypatch):
    from newswatch.dedupe.layers import index_articles

    def batch(n: int, tag: str) -> list[Article]:
        return [_article(f"https://q.example/{tag}/{i}", f"{NEW_TEXT} {tag} लेख संख्या {i} " * 2) for i in range(n)]

    calls: list[str] = []
    real = conn.execute
    monkeypatch.setattr(conn, "execute", lambda query, *a, **k: calls.append(query) or real(query, *a, **k))
    dedupe_articles(conn, batch(2, "small"))
    small = len(calls)
    ids = [insert_article(conn, "russia_north_korea", a, run=None) for a in batch(40, "corpus")]
    index_articles(conn, None, ids)
    calls.clear()
    dedupe_articles(conn, batch(30, "large"))
    # URL, GUID, content hash; then one band join + one signature fetch; with near-duplicates of
    # stored articles, one fetch of their originals' texts (does a copy add text of its own?)
    assert small == 5 and len(calls) == 6


def test_text_is_compared_within_the_topic_a_copy_of_another_topics_article_is_news_here(conn):
    from newswatch.dedupe.layers import index_articles

    seed_copy = _seed_text("003_f084d162026dfd09.txt").replace("Subscribe to Our YouTube Channel!", "")
    index_articles(conn, None, [row[0] for row in conn.execute("SELECT id FROM articles")])
    exact = _seed_text("002_b301b58a1966a28f.txt")
    for topic, expected_new in (("russia_north_korea", []), ("china_taiwan", ["https://x.example/near", "https://x.example/exact"])):
        result = dedupe_articles(conn, [_article("https://x.example/near", seed_copy),
                                        _article("https://x.example/exact", exact)], topic_name=topic)
        assert [a.url for a in result.new] == expected_new, topic


def test_a_copy_of_a_stored_copy_points_at_the_original(conn):
    seed = conn.execute("SELECT id FROM articles WHERE canonical_url LIKE '%002_b301b58a1966a28f.txt'").fetchone()[0]
    copy_text = _seed_text("002_b301b58a1966a28f.txt") + " (एजेंसी)"  # stored earlier as a near-copy of 002
    insert_article(conn, "russia_north_korea", _article("https://copy.example/1", copy_text), run=None,
                   duplicate_of=seed, duplicate_layer="minhash", similarity=0.97)
    [decision] = dedupe_articles(conn, [_article("https://copy.example/2", copy_text)]).duplicates
    assert (decision.layer, decision.duplicate_of_id) == ("content_hash", seed)


def test_articles_stored_before_the_index_existed_are_indexed_and_grouped_by_the_next_run(db_url):
    from newswatch import pipeline, store
    from newswatch.config import load_topic

    topic = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
    with psycopg.connect(db_url) as conn:  # an article from before migration 0004: no signature, no story
        old = insert_article(conn, topic.name, _article("https://old.example/1", NEW_TEXT), run=None)
        store.ensure_run(conn, topic.name, "r1")
    stats = pipeline.ensure_seeds(topic, "r1", db_url)
    assert stats["articles_backfilled"] == 1
    with psycopg.connect(db_url) as conn:
        signed, story = conn.execute("SELECT minhash IS NOT NULL, story_id FROM articles WHERE id = %s", (old,)).fetchone()
        bands = conn.execute("SELECT count(*) FROM article_bands WHERE article_id = %s", (old,)).fetchone()[0]
    assert signed and story is not None and bands == topic.dedupe.bands
    assert pipeline.ensure_seeds(topic, "r1", db_url)["articles_backfilled"] == 0  # once


def test_changing_the_band_settings_rebuilds_the_index_once(db_url):
    from newswatch import pipeline, store
    from newswatch.config import load_topic

    topic = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
    with psycopg.connect(db_url) as conn:
        store.ensure_run(conn, topic.name, "r1")
    pipeline.ensure_seeds(topic, "r1", db_url)
    retuned = topic.model_copy(update={"dedupe": topic.dedupe.model_copy(update={"bands": 32, "rows": 4})})
    assert pipeline.ensure_seeds(retuned, "r1", db_url)["articles_backfilled"] == 5  # the seeds, rebuilt
    assert pipeline.ensure_seeds(retuned, "r1", db_url)["articles_backfilled"] == 0
    with psycopg.connect(db_url) as conn:
        per_seed = conn.execute("SELECT DISTINCT count(*) FROM article_bands GROUP BY article_id").fetchall()
    assert per_seed == [(32,)]
