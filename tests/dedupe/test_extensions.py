"""Direction of a near-copy, against a real Postgres holding the seeds and the demo's English
page: a copy contained in a known article (a teaser, a truncation) is a duplicate; an article
that reuses a known one and adds a lead of its own is an extension, new and assessed for claims.
The leads are ours; the reused paragraphs are the seeds' and the demo page's."""

from datetime import datetime, timezone

import psycopg
import pytest
from conftest import ROOT
from newswatch.config import DedupeSettings
from newswatch.dedupe.layers import added_text, index_articles
from newswatch.extract.article import extract_article
from newswatch.records import Article
from newswatch.seeds import load_seeds
from newswatch.store import insert_article
from newswatch.text.normalize import content_hash
from newswatch.wired import dedupe_articles

SEEDS = ROOT / "include" / "seed_corpus"
PAGES = ROOT / "include" / "demo" / "site" / "articles"
NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
LEAD_HI = ("रूस के रक्षा मंत्रालय ने शुक्रवार को कहा कि उत्तर कोरिया के साथ सैन्य सहयोग पर अगले महीने एक नई "
           "बैठक होगी, जिसमें तोपखाने के गोलों की आपूर्ति और पायलटों के प्रशिक्षण पर चर्चा की जाएगी। मंत्रालय के "
           "प्रवक्ता ने बताया कि बैठक व्लादिवोस्तोक में होगी और इसमें दोनों देशों के वरिष्ठ सैन्य अधिकारी हिस्सा "
           "लेंगे। दक्षिण कोरिया ने इस पर चिंता जताई है और कहा है कि वह घटनाक्रम पर करीबी नजर रखे हुए है।")
LEAD_EN = ("Russia's defence ministry said on Friday that a new round of military talks with North Korea will be "
           "held next month, covering artillery shell supplies and the training of pilots. A ministry spokesman "
           "said the meeting would take place in Vladivostok with senior officers of both countries attending. "
           "South Korea said it was concerned and was watching the developments closely, officials in Seoul added.")


def _article(url: str, text: str, language: str, title: str = "शीर्षक") -> Article:
    return Article(url=url, guid=url, title=title, text=text, language=language, fetched_at=NOW,
                   content_hash=content_hash(text))


@pytest.fixture
def conn(db_url):
    with psycopg.connect(db_url) as conn:
        ids = load_seeds(conn, "russia_north_korea", SEEDS)
        html = (PAGES / "russia-north-korea-artillery-production-deal.html").read_text(encoding="utf-8")
        page = extract_article(html.replace("__BASE_URL__", "http://127.0.0.1"), "http://127.0.0.1/a.html")
        english = insert_article(conn, "russia_north_korea", _article("https://en.example/artillery", page.text, "en",
                                                                      page.title), run=None)
        index_articles(conn, None, [row[0] for row in conn.execute("SELECT id FROM articles")])
        yield conn, {"en": english, "hi": ids}


def _paragraphs(conn, article_id: int) -> list[str]:
    text = conn.execute("SELECT text FROM articles WHERE id = %s", (article_id,)).fetchone()[0]
    return [p for p in text.split("\n") if p.strip()]


def _seed_id(conn) -> int:
    return conn.execute("SELECT id FROM articles WHERE canonical_url LIKE %s", ("%003_f084d162026dfd09.txt",)).fetchone()[0]


@pytest.mark.parametrize("language", ["hi", "en"])
def test_a_new_lead_on_reused_background_extends_the_original_and_is_new(conn, language):
    conn, ids = conn
    original = _seed_id(conn) if language == "hi" else ids["en"]
    background = _paragraphs(conn, original)
    # two reused background paragraphs (the longest two, in order): without the direction rule
    # the containment rule takes this for a copy of the original
    reused = [p for p in background if p in sorted(background, key=len)[-2:]]
    follow_up = "\n".join([LEAD_HI if language == "hi" else LEAD_EN, *reused])
    result = dedupe_articles(conn, [_article(f"https://f.example/{language}", follow_up, language)], topic_name="russia_north_korea")
    assert result.duplicates == []
    [new] = result.new
    assert new.extends_id == original
    assert added_text(follow_up, "\n".join(background)) == (LEAD_HI if language == "hi" else LEAD_EN)
    settings = DedupeSettings(extension_min_words=10_000)  # no text is enough: the old rule, a duplicate
    assert dedupe_articles(conn, [_article(f"https://g.example/{language}", follow_up, language)], settings,
                           topic_name="russia_north_korea").new == []


@pytest.mark.parametrize("language", ["hi", "en"])
def test_a_teaser_contained_in_a_known_article_is_a_duplicate(conn, language):
    conn, ids = conn
    original = _seed_id(conn) if language == "hi" else ids["en"]
    paragraphs = _paragraphs(conn, original)
    teaser = "\n".join(paragraphs[: max(2, len(paragraphs) * 2 // 3)] + [
        "पूरी खबर पढ़ें" if language == "hi" else "Read the full story"])
    result = dedupe_articles(conn, [_article(f"https://t.example/{language}", teaser, language)], topic_name="russia_north_korea")
    assert result.new == []
    [decision] = result.duplicates
    assert decision.duplicate_of_id == original and decision.layer == "minhash"


def test_boilerplate_around_a_copy_is_not_added_text():
    settings = DedupeSettings()
    from newswatch.wired import adds_text

    body = LEAD_EN + "\n" + LEAD_EN.replace("Friday", "Thursday")
    framed = "Also read: Top stories of the day\n" + body + "\nFollow us on social media. Subscribe to our newsletter."
    assert not adds_text(framed, body, settings)
    assert adds_text(LEAD_HI + "\n" + body, body, settings)


def test_an_extension_is_stored_with_what_it_extends_and_joins_its_story(conn):
    from newswatch.config import load_topic
    from newswatch.dedupe.stories import assign_stories

    conn, ids = conn
    topic = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
    original = ids["en"]
    assign_stories(conn, topic, [original])
    background = _paragraphs(conn, original)
    follow_up = "\n".join([LEAD_EN, *background[-2:]])
    [new] = dedupe_articles(conn, [_article("https://f.example/en", follow_up, "en")], topic_name="russia_north_korea").new
    stored = insert_article(conn, "russia_north_korea", new, run=None, extends=new.extends_id)
    assign_stories(conn, topic, [stored])
    extends, story, duplicate_of = conn.execute("SELECT extends, story_id, duplicate_of FROM articles WHERE id = %s",
                                                (stored,)).fetchone()
    assert (extends, duplicate_of) == (original, None)
    assert story == conn.execute("SELECT story_id FROM articles WHERE id = %s", (original,)).fetchone()[0]
