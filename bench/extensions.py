"""Benchmark: follow-ups on reused background are assessed, true copies stay duplicates.

Follow-ups: for every real article of the claims dev set (tests/fixtures/realtext/claims/, texts
from $NEWSWATCH_REALTEXT) with at least three paragraphs, the original is stored and indexed,
then a follow-up of a new lead of ours (about 60 words, in the article's language) on top of two
of its paragraphs (each pair of adjacent paragraphs in turn, up to three per article) is
deduplicated. A follow-up stored as new (an extension of the original, or simply new) is
assessed for claims; one stored as a duplicate is not. Without the dev set's texts the seeds
and demo pages are used (said in `source`).

True copies: precision and recall of dedupe on its labelled set (tests/fixtures/dedupe/),
through the same path as tests/dedupe/test_dedupe_set.py.

    python bench/extensions.py [--quick]

The last line of stdout is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "dedupe"))  # test_dedupe_set
from _common import ROOT, fresh_database, report  # noqa: E402

LEADS = {
    "en": ["Officials said on Friday that a second round of talks would be held next week, with senior delegations "
           "from both sides expected to attend. A spokesman told reporters that the agenda had been widened and that "
           "new proposals would be tabled, while critics warned that the timetable was too short for a lasting "
           "agreement and urged both governments to publish the details of what had been agreed so far.",
           "New figures released on Thursday show the situation has changed sharply since the first reports, a "
           "ministry statement said. The statement gave no reason for the revision, but two officials familiar with "
           "the matter said that earlier estimates had been based on incomplete information collected in the first "
           "days, and that a fuller account would be published after the review ends later this month."],
    "hi": ["अधिकारियों ने शुक्रवार को बताया कि अगले सप्ताह बातचीत का दूसरा दौर होगा, जिसमें दोनों पक्षों के वरिष्ठ "
           "प्रतिनिधिमंडल हिस्सा लेंगे। एक प्रवक्ता ने पत्रकारों से कहा कि बैठक का एजेंडा बढ़ाया गया है और नए प्रस्ताव रखे "
           "जाएंगे, जबकि आलोचकों ने चेतावनी दी कि किसी स्थायी समझौते के लिए समय बहुत कम है और सरकारों से अब तक तय हुई "
           "बातों को सार्वजनिक करने की मांग की।",
           "गुरुवार को जारी नए आंकड़ों से पता चलता है कि पहली रिपोर्टों के बाद हालात तेजी से बदले हैं, मंत्रालय के एक बयान "
           "में कहा गया। बयान में बदलाव की कोई वजह नहीं बताई गई, लेकिन मामले से जुड़े दो अधिकारियों ने कहा कि शुरुआती "
           "अनुमान पहले कुछ दिनों में जुटाई गई अधूरी जानकारी पर आधारित थे और समीक्षा पूरी होने के बाद इस महीने के अंत "
           "में पूरा ब्योरा जारी किया जाएगा।"],
}
NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)


def originals() -> tuple[str, list[tuple[str, str, str]]]:
    """(source, [(id, language, text)]) of real articles to make follow-ups from."""
    try:
        from newswatch.devsets import claims as claims_devset

        dev = claims_devset.load()
        texts = [(a.id, a.language, a.text) for a in dev.articles.values() if a.form == "article"]
        if texts:
            return "realtext", texts
    except Exception as exc:  # texts not filled here
        print(f"real-text dev set unavailable ({exc}); using the seeds and demo pages", file=sys.stderr)
    import json

    data = json.loads((ROOT / "tests" / "fixtures" / "dedupe" / "labelled.json").read_text(encoding="utf-8"))
    return "seeds_and_demo_pages", [(d["id"], d["language"], d["text"]) for d in data["originals"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one follow-up per article")
    args = parser.parse_args()

    import psycopg
    from newswatch.dedupe.layers import index_articles
    from newswatch.records import Article
    from newswatch.store import insert_article
    from newswatch.store.db import drop_database
    from newswatch.store.migrate import migrate
    from newswatch.text.normalize import content_hash
    from newswatch.wired import dedupe_articles
    from test_dedupe_set import evaluate, topic_settings

    settings = topic_settings()
    old_rule = settings.model_copy(update={"extension_min_words": 10**9})  # no text is enough: containment only
    swallowed_before = 0
    source, texts = originals()
    admin, name, db = fresh_database()
    counts = {"hi": [0, 0, 0], "en": [0, 0, 0]}  # follow-ups, assessed (new), of which extensions
    try:
        migrate(db)
        with psycopg.connect(db) as conn:
            for k, (doc_id, language, text) in enumerate(texts):
                paragraphs = [p for p in text.split("\n") if len(p.split()) >= 8]
                if len(paragraphs) < 3 or language not in LEADS:
                    continue
                original = Article(url=f"https://orig.example/{doc_id}", title=doc_id, text=text, language=language,
                                   fetched_at=NOW, content_hash=content_hash(text))
                original_id = insert_article(conn, "bench", original, run=None)
                index_articles(conn, settings, [original_id])
                starts = range(len(paragraphs) - 1)
                for n, start in enumerate(list(starts)[: 1 if args.quick else 3]):
                    lead = LEADS[language][(k + n) % len(LEADS[language])]
                    body = "\n".join([lead, *paragraphs[start:start + 2]])
                    follow = Article(url=f"https://follow.example/{doc_id}/{n}", title=f"{doc_id} follow-up", text=body,
                                     language=language, fetched_at=NOW, content_hash=content_hash(body))
                    result = dedupe_articles(conn, [follow], settings, topic_name="bench")
                    before = dedupe_articles(conn, [follow], old_rule, topic_name="bench")
                    swallowed_before += not before.new
                    counts[language][0] += 1
                    if result.new:
                        counts[language][1] += 1
                        counts[language][2] += result.new[0].extends_id == original_id
            conn.rollback()
        with psycopg.connect(db) as conn:
            copies = evaluate(conn, settings)
    finally:
        drop_database(admin, name)
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    figures = {"source": source, "follow_ups": total[0], "assessed_share": round(total[1] / max(total[0], 1), 4),
               "extensions": total[2],
               "assessed_share_without_direction_rule": round(1 - swallowed_before / max(total[0], 1), 4)}
    for language, (n, assessed, extended) in counts.items():
        figures[f"follow_ups_{language}"] = n
        figures[f"assessed_share_{language}"] = round(assessed / max(n, 1), 4)
    figures.update({"copies_recall": copies["recall"], "copies_precision": copies["precision"],
                    "copies_positives": copies["positives"], "copies_errors": copies["errors"][:10]})
    report(figures)


if __name__ == "__main__":
    main()
