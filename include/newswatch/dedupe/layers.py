"""Dedupe layers, cheapest first, against the seeds, every stored article and the rest of the
batch: canonical URL → GUID → normalised content hash → MinHash-LSH near-duplicates.

A copy at a URL we already store is not stored again (the decision is counted in the run);
a copy at a new URL (a republication) is stored with `duplicate_of` pointing at the original.

Near-duplicates: 128-permutation MinHash of word 3-shingles of the normalised text (the title
is left out, so a changed headline does not hide a copy), cut into LSH bands stored in
`article_bands`. A batch is looked up with one indexed SQL join (its band hashes against
article_bands) and one fetch of the candidates' signatures, whatever the corpus size; candidates
are then verified in numpy: estimated Jaccard, containment of the shorter text in the longer (a
truncated syndicated copy), and the titles' similarity (rapidfuzz on textnorm tokens: its
`default_process` would split Devanagari words at their vowel signs). Thresholds: the topic's
`dedupe:` settings, tuned on tests/fixtures/dedupe/.

Only originals (and seeds) are indexed: a republication stored as a duplicate points at its
original, and a later copy should match that original, not the copy.

Direction matters: a copy contained in a known article (a truncation, a teaser, the same text
under other boilerplate) is a duplicate; an article that reuses a known one and adds text of
its own (a new lead on top of reused background) is an **extension**: new, stored as an
original with `extends` pointing at what it reuses, and assessed for claims like any article.
Added text is the new article's paragraphs that the original does not contain; it counts when
its statements (headings, read-more lines and boilerplate left out) reach
`dedupe.extension_min_words` words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import psycopg
from rapidfuzz import fuzz

from newswatch import store
from newswatch.config import DedupeSettings, Topic
from newswatch.dedupe import minhash
from newswatch.records import Article, DedupeBatch, DuplicateDecision, FeedEntry
from newswatch.store import known_by_url_or_guid, originals_by_content_hash

CONTAINMENT_MIN_JACCARD = 0.2  # below this the containment estimate is mostly noise

# Words in a text's content statements (headings, read-more lines and boilerplate left out). The
# claims stage reads statements and comes after this one, so the wiring hands its reader in
# (newswatch.wired) rather than this module importing upward.
StatementWords = Callable[[str], int]


def title_key(title: str) -> str:
    """Titles compared on textnorm tokens (NFC, nukta folded, casefolded, punctuation out)."""
    return " ".join(minhash.tokens(title))


def title_similarity(a: str, b: str) -> float:
    """0-100: rapidfuzz token_sort_ratio on Devanagari-safe tokens."""
    return fuzz.token_sort_ratio(a, b, processor=title_key)


@dataclass(frozen=True)
class Verdict:
    jaccard: float
    containment: float
    title_similarity: float
    rule: str | None  # None: not a near-duplicate

    @property
    def similarity(self) -> float:
        return self.containment if self.rule == "containment" else self.jaccard


def verify(settings: DedupeSettings, jaccard: float, size_a: int, size_b: int, title_a: str, title_b: str) -> Verdict:
    """Is a candidate pair a near-duplicate? The rules in order: Jaccard, containment, Jaccard with
    near-equal titles."""
    contained = float(minhash.containment(jaccard, size_a, size_b))
    if jaccard >= settings.jaccard:
        return Verdict(jaccard, contained, -1.0, "jaccard")
    if (contained >= settings.containment and jaccard >= CONTAINMENT_MIN_JACCARD
            and min(size_a, size_b) >= settings.min_shingles):
        return Verdict(jaccard, contained, -1.0, "containment")
    if jaccard >= settings.title_jaccard:
        similar = title_similarity(title_a, title_b)
        return Verdict(jaccard, contained, similar, "title" if similar >= settings.title_similarity else None)
    return Verdict(jaccard, contained, -1.0, None)


def _settings(topic: Topic | DedupeSettings | None) -> DedupeSettings:
    if topic is None:
        return DedupeSettings()
    return topic if isinstance(topic, DedupeSettings) else topic.dedupe


def split_known_entries(conn: psycopg.Connection, entries: list[FeedEntry]) -> tuple[list[FeedEntry], list[DuplicateDecision]]:
    """Before fetching pages: drop entries whose URL or GUID is stored or earlier in the batch."""
    known = known_by_url_or_guid(conn, [e.url for e in entries], [e.guid for e in entries])
    fresh: list[FeedEntry] = []
    decisions: list[DuplicateDecision] = []
    batch_urls: set[str] = set()
    batch_guids: dict[str, str] = {}  # GUID → URL of the entry that carried it first
    for entry in entries:
        hit = known.get(entry.url) or known.get(entry.guid)
        if hit:
            article_id, original_url, layer = hit
        elif entry.url in batch_urls:
            article_id, original_url, layer = None, entry.url, "url"
        elif entry.guid in batch_guids:
            article_id, original_url, layer = None, batch_guids[entry.guid], "guid"
        else:
            batch_urls.add(entry.url)
            batch_guids[entry.guid] = entry.url
            fresh.append(entry)
            continue
        decisions.append(DuplicateDecision(
            url=entry.url, raw_url=entry.raw_url if entry.raw_url != entry.url else None, guid=entry.guid,
            title=entry.title, feed_url=entry.feed_url, entry_position=entry.position, layer=layer,
            duplicate_of_id=article_id, duplicate_of_url=original_url))
    return fresh, decisions


def dedupe_articles(conn: psycopg.Connection, articles: list[Article],
                    settings: Topic | DedupeSettings | None = None, topic_name: str | None = None, *,
                    statement_words: StatementWords) -> DedupeBatch:
    """After extraction: the page's own canonical URL may reveal a stored article, the text may
    be a known article's at another address, or a near-copy of a stored or earlier article.
    Text is compared within the topic (`topic_name`; None: every topic): a copy of another
    topic's article is news to this topic's readers. URLs are unique across topics.
    `statement_words` decides whether a near-copy adds statements of its own (newswatch.wired)."""
    if topic_name is None and isinstance(settings, Topic):
        topic_name = settings.name
    known = known_by_url_or_guid(conn, [a.url for a in articles], [a.guid for a in articles if a.guid])
    originals = originals_by_content_hash(conn, [a.content_hash for a in articles], topic_name)
    batch = DedupeBatch()
    seen_urls: set[str] = set()
    batch_hashes: dict[str, str] = {}
    survivors: list[Article] = []
    for article in articles:
        hit = known.get(article.url) or (known.get(article.guid) if article.guid else None)
        if hit or article.url in seen_urls:
            article_id, original_url, layer = hit if hit else (None, article.url, "url")
            batch.duplicates.append(DuplicateDecision(
                url=article.url, guid=article.guid, title=article.title, layer=layer,
                feed_url=article.feed_url, entry_position=article.entry_position,
                duplicate_of_id=article_id, duplicate_of_url=original_url))
            continue
        seen_urls.add(article.url)
        original = originals.get(article.content_hash)
        if original or article.content_hash in batch_hashes:
            original_id, original_url = original if original else (None, batch_hashes[article.content_hash])
            batch.duplicates.append(DuplicateDecision(
                url=article.url, guid=article.guid, title=article.title, layer="content_hash",
                feed_url=article.feed_url, entry_position=article.entry_position, duplicate_of_id=original_id, duplicate_of_url=original_url, article=article))
            continue
        batch_hashes[article.content_hash] = article.url
        survivors.append(article)
    new, near, checked = near_duplicates(conn, survivors, _settings(settings), topic_name=topic_name,
                                         statement_words=statement_words)
    batch.new, batch.candidates_checked = new, checked
    batch.duplicates.extend(near)
    return batch


def near_duplicates(conn: psycopg.Connection, articles: Sequence[Article], settings: DedupeSettings,
                    sigs: minhash.Signatures | None = None, topic_name: str | None = None, *,
                    statement_words: StatementWords) -> tuple[list[Article], list[DuplicateDecision], int]:
    """The MinHash-LSH layer: (new articles, near-duplicate decisions, candidates verified).
    Two queries for the whole batch; an article near-duplicating an earlier one of the same
    batch is a duplicate of it (the first stays new). `sigs`: the texts' signatures, if known."""
    if not articles:
        return [], [], 0
    if sigs is None:
        sigs = minhash.signatures([a.text for a in articles], settings.shingle_size)
    bands = minhash.band_hashes(sigs.values, settings.bands, settings.rows)
    n, nb = bands.shape
    has_words = np.repeat(sigs.shingle_counts > 0, nb)
    pairs = store.band_candidates(conn, np.repeat(np.arange(n), nb)[has_words].tolist(),
                                  np.tile(np.arange(nb), n)[has_words].tolist(), bands.reshape(-1)[has_words].tolist(),
                                  topic=topic_name)
    by_query: dict[int, list[int]] = {}
    for i, article_id in pairs:
        by_query.setdefault(i, []).append(article_id)
    stored = {row[0]: row for row in store.signatures_of(conn, sorted({a for _, a in pairs}))}
    stored_ids = list(stored)
    stored_sigs = minhash.from_bytes([stored[i][3] for i in stored_ids])
    position = {article_id: k for k, article_id in enumerate(stored_ids)}

    new: list[Article] = []
    decisions: list[DuplicateDecision] = []
    checked = 0
    batch_bands: dict[tuple[int, int], list[int]] = {}  # (band, hash) → indexes of new articles
    for i, article in enumerate(articles):
        if sigs.shingle_counts[i] == 0:  # no words: nothing to compare (validation rejects it)
            new.append(article)
            continue
        best: tuple[float, int, Verdict, int | None, str] | None = None  # (similarity, -id, verdict, id, url)
        ids = [a for a in by_query.get(i, []) if a in position]
        if ids:
            rows = np.array([position[a] for a in ids])
            js = minhash.jaccard(stored_sigs[rows], sigs.values[i])
            for article_id, j in zip(ids, js.tolist()):
                _, url, title, _, count = stored[article_id]
                verdict = verify(settings, j, int(sigs.shingle_counts[i]), count, article.title, title)
                if verdict.rule and (best is None or (verdict.similarity, -article_id) > best[:2]):
                    best = (verdict.similarity, -article_id, verdict, article_id, url)
            checked += len(ids)
        if best is None:
            earlier = sorted({k for b in range(nb) for k in batch_bands.get((b, int(bands[i, b])), [])})
            checked += len(earlier)
            for k in earlier:
                j = float(minhash.jaccard(sigs.values[k], sigs.values[i]))
                verdict = verify(settings, j, int(sigs.shingle_counts[i]), int(sigs.shingle_counts[k]),
                                 article.title, articles[k].title)
                if verdict.rule and (best is None or verdict.similarity > best[0]):
                    best = (verdict.similarity, 0, verdict, None, articles[k].url)
        if best is None:
            new.append(article)
            for b in range(nb):
                batch_bands.setdefault((b, int(bands[i, b])), []).append(i)
            continue
        similarity, _, verdict, original_id, original_url = best
        decisions.append(DuplicateDecision(
            url=article.url, guid=article.guid, title=article.title, layer="minhash",
            feed_url=article.feed_url, entry_position=article.entry_position, duplicate_of_id=original_id, duplicate_of_url=original_url, similarity=round(similarity, 4),
            jaccard=round(verdict.jaccard, 4), containment=round(verdict.containment, 4),
            title_similarity=round(verdict.title_similarity, 1) if verdict.title_similarity >= 0 else None,
            rule=verdict.rule, article=article))
    new, decisions = _extensions(conn, articles, new, decisions, settings, statement_words)
    return new, decisions, checked


def _extensions(conn: psycopg.Connection, articles: Sequence[Article], new: list[Article],
                decisions: list[DuplicateDecision], settings: DedupeSettings,
                statement_words: StatementWords) -> tuple[list[Article], list[DuplicateDecision]]:
    """Near-duplicates that add text of their own become new articles extending their original
    (one query for the stored originals' texts)."""
    if not decisions:
        return new, decisions
    ids = sorted({d.duplicate_of_id for d in decisions if d.duplicate_of_id is not None})
    stored = store.texts_of(conn, ids) if ids else {}
    batch = {a.url: a.text for a in articles}
    kept = []
    for decision in decisions:
        original = stored.get(decision.duplicate_of_id) if decision.duplicate_of_id is not None else batch.get(
            decision.duplicate_of_url or "")
        if original is not None and decision.article is not None and adds_text(
                decision.article.text, original, settings, statement_words):
            new.append(decision.article.model_copy(update={"extends_id": decision.duplicate_of_id,
                                                            "extends_url": decision.duplicate_of_url}))
        else:
            kept.append(decision)
    order = {a.url: k for k, a in enumerate(articles)}
    return sorted(new, key=lambda a: order.get(a.url, 0)), kept


def added_text(text: str, original: str) -> str:
    """The paragraphs of `text` that `original` does not contain (fewer than half of their word
    3-shingles in it), in order."""
    known = set(minhash.shingle_hashes(minhash.tokens(original), 3).tolist())
    added = []
    for paragraph in (p for p in text.split("\n") if p.strip()):
        words = minhash.tokens(paragraph)
        shingles = set(minhash.shingle_hashes(words, 3).tolist()) if len(words) >= 3 else set()
        if not shingles or len(shingles & known) / len(shingles) < 0.5:
            added.append(paragraph)
    return "\n".join(added)


def adds_text(text: str, original: str, settings: DedupeSettings, statement_words: StatementWords) -> bool:
    """Whether `text` adds statements of its own to `original` (then it extends it)."""
    added = added_text(text, original)
    if len(added.split()) < settings.extension_min_words:
        return False
    return statement_words(added) >= settings.extension_min_words


def index_articles(conn: psycopg.Connection, topic: Topic | DedupeSettings | None, article_ids: Sequence[int]) -> int:
    """Put stored articles into the near-duplicate index: signature and shingle count on the
    row (one UPDATE), band hashes into article_bands (one binary COPY) for originals and seeds;
    republications stored as duplicates get a signature but no bands. Idempotent: articles that
    already have a signature are skipped, so a retried load adds nothing. Returns band rows written."""
    settings = _settings(topic)
    rows = store.texts_to_index(conn, list(article_ids))
    if not rows:
        return 0
    sigs = minhash.signatures([text for _, text, _ in rows], settings.shingle_size)
    ids = [article_id for article_id, _, _ in rows]
    store.store_signatures(conn, ids, [minhash.to_bytes(v) for v in sigs.values], sigs.shingle_counts.tolist())
    # texts with no shingle all share one signature: they are never put in the index
    originals = np.array([is_original for _, _, is_original in rows], dtype=bool) & (sigs.shingle_counts > 0)
    bands = minhash.band_hashes(sigs.values[originals], settings.bands, settings.rows)
    return store.copy_bands(conn, np.asarray(ids)[originals], bands)
