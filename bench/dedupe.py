"""Benchmark: near-duplicate dedupe (MinHash-LSH in Postgres) against growing synthetic corpora.

    python bench/dedupe.py [--quick] [--sizes 10000,100000,1000000]

Figures (stderr: readable lines; stdout's last line: one JSON object):

  signatures_per_s_per_core   newswatch.dedupe.minhash.signatures on 400-word Hindi texts (real words of
                              the seed corpus, shuffled), one process; `datasketch_signatures_per_s`:
                              plain datasketch (MinHash(num_perm=128).update_batch of the same
                              3-shingles, textnorm tokens) on the same texts.
  per corpus size N:
    lookup_p50_ms/p99_ms      one article's near-duplicate lookup: `dedupe.near_duplicates` with its
                              signature precomputed = one indexed SQL join of its 42 band hashes
                              against article_bands, one fetch of the candidates' signatures, the
                              numpy verification. 300 probes (--quick: 200): half edited copies of
                              corpus articles, half new.
    datasketch_lookup_p50_ms  datasketch's in-memory MinHashLSH (same 42x3 bands) `query` on the same
                              probes, built from the same signatures (not at 1M: it would need ~10 GB).
    brute_p50_ms              numpy scan of all N signatures in memory (Jaccard against every one).
    probe_recall/precision    of the Postgres lookups on those probes.
  batch_10k_s                 `dedupe.dedupe_articles` on 10,000 new articles (texts; all layers,
                              signatures included) against the largest corpus; `index_10k_s`: then
                              storing them and `dedupe.index_articles` (signatures + binary COPY).
  labelled_precision/recall   tests/fixtures/dedupe/ through Postgres (tests/dedupe/test_dedupe_set.py).
  peak_rss_mb                 this process's peak memory.

Synthetic corpus: filler articles of 120 words drawn (Zipf) from 30,000 made-up Devanagari words;
their signatures are computed from the token sequence with the library's own shingle and MinHash
functions (the same values the text path gives: a test of the bench checks one), so a million of
them take about a minute. Rows go in with COPY (articles: short stand-in text, signature, shingle
count; article_bands: binary COPY), article_bands' primary key is rebuilt after each load, as a
bulk load would do. Every corpus lives in a throwaway database on NEWSWATCH_DATABASE_URL's server
(or the embedded one), dropped at the end. --quick: 10k and 100k only, fewer probes.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "dedupe"))  # test_dedupe_set

from _common import fresh_database, report  # noqa: E402
from newswatch.config import DedupeSettings  # noqa: E402
from newswatch.dedupe import minhash  # noqa: E402
from newswatch.text.normalize import content_hash, tokens  # noqa: E402

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
FILLER_WORDS = 120
VOCAB = 30_000
CONSONANTS = "कखगघचछजझटठडढणतथदधनपफबभमयरलवशषसह"
MATRAS = ["", "ा", "ि", "ी", "ु", "ू", "े", "ै", "ो", "ौ", "ं"]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def make_vocab(rng: np.random.Generator) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Made-up Devanagari words that are single textnorm tokens; Zipf weights; token hashes."""
    words: dict[str, None] = {}
    while len(words) < VOCAB:
        n = int(rng.integers(2, 5))
        word = "".join(CONSONANTS[rng.integers(len(CONSONANTS))] + MATRAS[rng.integers(len(MATRAS))] for _ in range(n))
        if tokens(word) == [word]:
            words[word] = None
    vocab = list(words)
    p = 1.0 / np.arange(1, VOCAB + 1) ** 1.05
    hashes = np.array([minhash._token_hash(w) for w in vocab], dtype=np.uint64)
    return vocab, p / p.sum(), hashes


def shingles_of(token_ids: np.ndarray, hashes: np.ndarray, k: int = 3) -> np.ndarray:
    """(docs x words) token ids → (docs x shingles) 32-bit shingle hashes, as minhash.shingle_hashes."""
    th = hashes[token_ids]
    n = th.shape[1] - k + 1
    with np.errstate(over="ignore"):
        h = np.zeros((th.shape[0], n), dtype=np.uint64)
        for j in range(k):
            h = h + th[:, j : j + n] * minhash._POS[j]
    return minhash._fmix(h) & minhash._MASK32


def signatures_of_ids(token_ids: np.ndarray, hashes: np.ndarray) -> minhash.Signatures:
    sh = shingles_of(token_ids, hashes)
    return minhash.signatures_from_shingles([np.unique(row) for row in sh])


def edited_copy(ids: np.ndarray, rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    """A republication: truncated to 60-100 %, 3 % of words dropped, 8 words of boilerplate added."""
    keep = ids[: int(len(ids) * rng.uniform(0.6, 1.0))]
    keep = keep[rng.random(len(keep)) > 0.03]
    return np.concatenate([rng.choice(VOCAB, 4, p=p), keep, rng.choice(VOCAB, 4, p=p)])


class Corpus:
    """A throwaway database holding synthetic articles and their LSH bands."""

    def __init__(self, settings: DedupeSettings, rng: np.random.Generator) -> None:
        import psycopg
        from newswatch.store.migrate import migrate

        self.admin, self.name, self.url = fresh_database()
        migrate(self.url)
        self.conn = psycopg.connect(self.url, autocommit=True)
        self.conn.execute("ALTER TABLE article_bands DROP CONSTRAINT article_bands_article_id_fkey")
        self.settings, self.rng = settings, rng
        self.size = 0
        self.signatures: list[np.ndarray] = []  # for the in-memory comparisons
        self.sample_ids: list[tuple[int, np.ndarray]] = []  # (article id, token ids) to make copies from

    def grow(self, target: int, vocab_p: np.ndarray, hashes: np.ndarray) -> dict:
        from newswatch import store

        started = time.perf_counter()
        gen_s = 0.0
        self.conn.execute("ALTER TABLE article_bands DROP CONSTRAINT IF EXISTS article_bands_pkey")
        chunk = 20_000
        while self.size < target:
            n = min(chunk, target - self.size)
            t0 = time.perf_counter()
            token_ids = self.rng.choice(VOCAB, size=(n, FILLER_WORDS), p=vocab_p).astype(np.int32)
            sigs = signatures_of_ids(token_ids, hashes)
            bands = minhash.band_hashes(sigs.values, self.settings.bands, self.settings.rows)
            gen_s += time.perf_counter() - t0
            ids = np.arange(self.size + 1, self.size + n + 1)
            with self.conn.transaction(), self.conn.cursor() as cur:
                with cur.copy("""COPY articles (id, topic, canonical_url, title, text, fetched_at, content_hash,
                                                minhash, shingle_count) FROM STDIN""") as copy:
                    for k, article_id in enumerate(ids.tolist()):
                        copy.write_row((article_id, "bench", f"https://synthetic.example/{article_id}",
                                        f"synthetic {article_id}", f"synthetic article {article_id}", NOW,
                                        f"synthetic-{article_id}", minhash.to_bytes(sigs.values[k]),
                                        int(sigs.shingle_counts[k])))
                store.copy_bands(self.conn, ids, bands)
            self.signatures.append(sigs.values)
            for k in range(0, n, 20):
                self.sample_ids.append((int(ids[k]), token_ids[k]))
            self.size += n
        t0 = time.perf_counter()
        self.conn.execute("SET maintenance_work_mem = '1GB'")
        self.conn.execute("ALTER TABLE article_bands ADD PRIMARY KEY (band, hash, article_id)")
        self.conn.execute(f"SELECT setval('articles_id_seq', {self.size})")
        self.conn.execute("VACUUM ANALYZE articles")
        self.conn.execute("VACUUM ANALYZE article_bands")
        index_s = time.perf_counter() - t0
        return {"load_s": round(time.perf_counter() - started, 1), "generate_s": round(gen_s, 1),
                "index_build_s": round(index_s, 1)}

    def all_signatures(self) -> np.ndarray:
        if len(self.signatures) > 1:
            self.signatures = [np.concatenate(self.signatures)]
        return self.signatures[0]

    def close(self) -> None:
        from newswatch.store.db import drop_database

        self.conn.close()
        drop_database(self.admin, self.name)


def make_probes(corpus: Corpus, count: int, vocab: list[str], vocab_p: np.ndarray, rng: np.random.Generator):
    """Half edited copies of corpus articles (expected: duplicate of that id), half new articles."""
    from newswatch.records import Article

    probes = []
    picks = rng.choice(len(corpus.sample_ids), count // 2, replace=len(corpus.sample_ids) < count // 2)
    for i in range(count):
        if i % 2 == 0:
            original, ids = corpus.sample_ids[int(picks[i // 2])]
            ids = edited_copy(ids, rng, vocab_p)
        else:
            original, ids = None, rng.choice(VOCAB, FILLER_WORDS, p=vocab_p)
        text = " ".join(vocab[t] for t in ids)
        probes.append((Article(url=f"https://probe.example/{i}", title=f"probe {i}", text=text, language="hi",
                               fetched_at=NOW, content_hash=content_hash(text)), original))
    return probes


def measure_lookups(corpus: Corpus, probes, settings: DedupeSettings, datasketch_ok: bool) -> dict:
    from newswatch.dedupe.layers import near_duplicates
    from newswatch.wired import statement_words

    sigs = minhash.signatures([a.text for a, _ in probes], settings.shingle_size)
    times, tp, fp, fn = [], 0, 0, 0
    for k, (article, original) in enumerate(probes):
        one = minhash.Signatures(sigs.values[k : k + 1], sigs.shingle_counts[k : k + 1])
        t0 = time.perf_counter()
        _, dups, _ = near_duplicates(corpus.conn, [article], settings, one, statement_words=statement_words)
        times.append(time.perf_counter() - t0)
        got = dups[0].duplicate_of_id if dups else None
        if original is not None and got == original:
            tp += 1
        elif original is not None:
            fn += 1
            fp += got is not None
        elif got is not None:
            fp += 1
    out = {"lookup_p50_ms": round(float(np.percentile(times, 50)) * 1e3, 3),
           "lookup_p99_ms": round(float(np.percentile(times, 99)) * 1e3, 3),
           "probe_recall": round(tp / max(1, tp + fn), 4), "probe_precision": round(tp / max(1, tp + fp), 4)}
    everything = corpus.all_signatures()
    brute = []
    for k in range(min(len(probes), 50)):
        t0 = time.perf_counter()
        j = (everything == sigs.values[k]).mean(axis=1)
        np.flatnonzero(j >= settings.title_jaccard)
        brute.append(time.perf_counter() - t0)
    out["brute_p50_ms"] = round(float(np.percentile(brute, 50)) * 1e3, 3)
    if datasketch_ok:
        from datasketch import LeanMinHash, MinHashLSH

        t0 = time.perf_counter()
        lsh = MinHashLSH(num_perm=minhash.NUM_PERM, params=(settings.bands, settings.rows))
        with lsh.insertion_session() as session:
            for i, values in enumerate(everything):
                session.insert(i + 1, LeanMinHash(seed=1, hashvalues=values.astype(np.uint64), scheme="legacy"), check_duplication=False)
        out["datasketch_build_s"] = round(time.perf_counter() - t0, 1)
        ds = []
        for k in range(len(probes)):
            m = LeanMinHash(seed=1, hashvalues=sigs.values[k].astype(np.uint64), scheme="legacy")
            t0 = time.perf_counter()
            lsh.query(m)
            ds.append(time.perf_counter() - t0)
        out["datasketch_lookup_p50_ms"] = round(float(np.percentile(ds, 50)) * 1e3, 3)
        out["datasketch_lookup_p99_ms"] = round(float(np.percentile(ds, 99)) * 1e3, 3)
        del lsh
    return out


def signature_speed(quick: bool) -> dict:
    """400-word Hindi texts: ours vs plain datasketch, one core."""
    from datasketch import MinHash

    words = [w for p in sorted((ROOT / "include" / "seed_corpus").glob("*.txt"))
             for w in p.read_text(encoding="utf-8").split()]
    rng = np.random.default_rng(7)
    texts = [" ".join(rng.choice(words, 400)) for _ in range(1000 if quick else 3000)]
    minhash.signatures(texts[:50])  # warm the token cache as a long run would be
    t0 = time.perf_counter()
    minhash.signatures(texts)
    ours = len(texts) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    subset = texts[: len(texts) // 3]
    for text in subset:
        w = tokens(text)
        m = MinHash(num_perm=128)
        m.update_batch([" ".join(w[i : i + 3]).encode("utf-8") for i in range(len(w) - 2)])
    theirs = len(subset) / (time.perf_counter() - t0)
    return {"signatures_per_s_per_core": round(ours), "datasketch_signatures_per_s": round(theirs)}


def batch_dedupe(corpus: Corpus, vocab: list[str], vocab_p: np.ndarray, rng: np.random.Generator,
                 settings: DedupeSettings, n: int) -> dict:
    from newswatch.dedupe.layers import index_articles
    from newswatch.store import insert_article
    from newswatch.wired import dedupe_articles

    probes = make_probes(corpus, n, vocab, vocab_p, rng)
    articles = [a for a, _ in probes]
    t0 = time.perf_counter()
    with corpus.conn.transaction():
        result = dedupe_articles(corpus.conn, articles, settings)
    dedupe_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with corpus.conn.transaction():
        ids = [insert_article(corpus.conn, "bench", a, run=None) for a in result.new]
        insert_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        index_articles(corpus.conn, settings, ids)
        index_s = time.perf_counter() - t1
    expected = {a.url: original for a, original in probes if original is not None}
    found = {d.url: d.duplicate_of_id for d in result.duplicates}
    right = sum(1 for url, original in expected.items() if found.get(url) == original)
    return {f"batch_{n // 1000}k_s": round(dedupe_s, 2), f"batch_{n // 1000}k_duplicates": len(result.duplicates),
            f"batch_{n // 1000}k_expected_duplicates": len(expected),
            f"batch_{n // 1000}k_recall": round(right / max(1, len(expected)), 4),
            f"batch_{n // 1000}k_precision": round(right / max(1, len(found)), 4),
            f"batch_{n // 1000}k_candidates_verified": result.candidates_checked,
            f"insert_{n // 1000}k_s": round(insert_s, 2), f"index_{n // 1000}k_s": round(index_s, 2)}


def labelled() -> dict:
    import psycopg
    from newswatch.store.db import drop_database
    from newswatch.store.migrate import migrate
    from test_dedupe_set import evaluate, topic_settings

    admin, name, url = fresh_database()
    try:
        migrate(url)
        with psycopg.connect(url) as conn:
            figures = evaluate(conn, topic_settings())
    finally:
        drop_database(admin, name)
    return {"labelled_precision": figures["precision"], "labelled_recall": figures["recall"],
            "labelled_positives": figures["positives"], "labelled_negatives": figures["negatives"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", default=None, help="corpus sizes, comma-separated")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else (
        [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000])
    settings = DedupeSettings()
    rng = np.random.default_rng(20261123)
    figures: dict = {"quick": args.quick, "bands": settings.bands, "rows": settings.rows,
                     "filler_words": FILLER_WORDS}
    figures.update(signature_speed(args.quick))
    log(f"signatures: {figures}")
    figures.update(labelled())
    vocab, vocab_p, hashes = make_vocab(rng)
    # the bench's shortcut (token ids → signatures) gives what the text path gives
    sample = rng.choice(VOCAB, size=(1, FILLER_WORDS), p=vocab_p)
    assert np.array_equal(signatures_of_ids(sample, hashes).values,
                          minhash.signatures([" ".join(vocab[t] for t in sample[0])]).values)
    corpus = Corpus(settings, rng)
    try:
        for size in sizes:
            log(f"growing corpus to {size:,}")
            loaded = corpus.grow(size, vocab_p, hashes)
            log(f"  loaded: {loaded}")
            probes = make_probes(corpus, 200 if args.quick else 300, vocab, vocab_p, rng)
            looked = measure_lookups(corpus, probes, settings, datasketch_ok=size <= 100_000)
            log(f"  lookups: {looked}")
            tag = f"{size // 1000}k" if size < 1_000_000 else f"{size // 1_000_000}M"
            figures.update({f"{key}@{tag}": value for key, value in {**loaded, **looked}.items()})
        figures.update(batch_dedupe(corpus, vocab, vocab_p, rng, settings, 10_000))
        figures["batch_against"] = corpus.size
        with corpus.conn.cursor() as cur:
            cur.execute("SELECT pg_total_relation_size('article_bands'), pg_total_relation_size('articles')")
            bands_bytes, articles_bytes = cur.fetchone()
        figures["article_bands_mb"] = round(bands_bytes / 2**20)
        figures["articles_mb"] = round(articles_bytes / 2**20)
    finally:
        corpus.close()
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    report(figures)


if __name__ == "__main__":
    main()
