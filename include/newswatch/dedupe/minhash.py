"""MinHash signatures of word shingles, computed for a whole batch at once, and LSH band hashes.

Text → `newswatch.text.normalize.tokens` (NFC, nukta folded, Devanagari digits as ASCII, `regex` words: never
stdlib `re` on Devanagari) → word k-shingles → one stable 32-bit hash per shingle → 128 MinHash
values per document.

Vectorised: each distinct token is hashed once (blake2b, cached: news vocabulary repeats), the
k token hashes of a shingle are mixed with numpy, and every permutation of every shingle of the
batch is one matrix operation, ``h_i(x) = (a_i * x + b_i) mod 2**64 >> 32`` (multiply-add-shift:
a strongly universal family for 32-bit keys, and uint64 wrap-around *is* the mod). The per-document
minimum is one `np.minimum.reduceat`. The permutation parameters come from a fixed seed, so
signatures are comparable across processes and runs (Python's `hash()` is salted; never used).

Bands: the signature is cut into `bands` slices of `rows` values; each slice is folded to one
signed 64-bit hash, stored in `article_bands (band, hash, article_id)`. Two documents become LSH
candidates when any band hash matches: P = 1 - (1 - J**rows)**bands.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import regex

from newswatch.text import normalize

NUM_PERM = 128
SHINGLE_SIZE = 3
SEED = 20261123
_MASK32 = np.uint64(0xFFFFFFFF)
_CHUNK = 1024  # shingles per matrix op: 1024 x 128 x 8 bytes = 1 MB, stays in cache
EMPTY = np.uint32(0xFFFFFFFF)  # the signature value of a document with no shingles

_rng = np.random.default_rng(SEED)
# odd multipliers, any adders; drawn once from a fixed seed: stable across processes
_A = (_rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64) << np.uint64(1)
# mixing constants for shingles (one per position) and for band folding (one per row)
_POS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
                dtype=np.uint64)

_token_cache: dict[str, int] = {}
_CACHE_MAX = 500_000


_ZERO_WIDTH_CHARS = "".join(map(chr, normalize.ZERO_WIDTH))
_DEVANAGARI_DIGIT = regex.compile("[०-९]")


def tokens(text: str) -> list[str]:
    """Exactly `normalize.tokens(text)` (a test holds them equal), about twice as fast: the
    character translations run only when the text holds such characters, and whitespace is not
    collapsed (it never reaches a token)."""
    text = normalize.fold_nukta(unicodedata.normalize("NFC", text))
    if any(c in text for c in _ZERO_WIDTH_CHARS):
        text = text.translate(normalize.ZERO_WIDTH)
    if _DEVANAGARI_DIGIT.search(text):
        text = text.translate(normalize.DEVANAGARI_DIGITS)
    return normalize.TOKEN.findall(text.casefold())


def _token_hash(token: str) -> int:
    value = _token_cache.get(token)
    if value is None:
        value = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")
        if len(_token_cache) >= _CACHE_MAX:
            _token_cache.clear()
        _token_cache[token] = value
    return value


def _fmix(h: np.ndarray) -> np.ndarray:
    """64-bit finaliser (murmur3's fmix64): every input bit affects every output bit."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint64(33))
        h = h * np.uint64(0xFF51AFD7ED558CCD)
        h = h ^ (h >> np.uint64(33))
        h = h * np.uint64(0xC4CEB9FE1A85EC53)
        return h ^ (h >> np.uint64(33))


def shingle_hashes(words: Sequence[str], k: int = SHINGLE_SIZE) -> np.ndarray:
    """Distinct 32-bit hashes of the word k-shingles (a text shorter than k is one shingle)."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    th = np.fromiter((_token_hash(w) for w in words), dtype=np.uint64, count=len(words))
    k = min(k, len(th))
    n = len(th) - k + 1
    with np.errstate(over="ignore"):
        h = np.zeros(n, dtype=np.uint64)
        for j in range(k):
            h = h + th[j : j + n] * _POS[j]
    return np.unique(_fmix(h) & _MASK32)


@dataclass(frozen=True)
class Signatures:
    """MinHash values of a batch (n x NUM_PERM uint32) and each document's shingle count."""

    values: np.ndarray
    shingle_counts: np.ndarray

    def __len__(self) -> int:
        return len(self.values)


def signatures_from_shingles(shingles: Sequence[np.ndarray]) -> Signatures:
    """One MinHash signature per shingle set; all permutations of all shingles in few numpy ops.

    Documents are grouped so that a group's shingles x permutations fit a cache-sized buffer;
    min is taken on the full 64-bit products and shifted once at the end (the shift is monotone,
    so min(v) >> 32 == min(v >> 32))."""
    counts = np.fromiter((len(s) for s in shingles), dtype=np.int64, count=len(shingles))
    out = np.full((len(shingles), NUM_PERM), EMPTY, dtype=np.uint32)
    docs = np.flatnonzero(counts)
    buf = np.empty((_CHUNK, NUM_PERM), dtype=np.uint64)
    start = 0
    while start < len(docs):
        total, end = 0, start
        while end < len(docs) and (end == start or total + counts[docs[end]] <= _CHUNK):
            total += counts[docs[end]]
            end += 1
        group = docs[start:end]
        flat = np.concatenate([shingles[i] for i in group])
        offsets = np.concatenate(([0], np.cumsum(counts[group])[:-1]))
        work = buf[: len(flat)] if len(flat) <= _CHUNK else np.empty((len(flat), NUM_PERM), dtype=np.uint64)
        np.multiply(flat[:, None], _A[None, :], out=work)
        np.add(work, _B[None, :], out=work)
        mins = np.minimum.reduceat(work, offsets, axis=0)
        out[group] = (mins >> np.uint64(32)).astype(np.uint32)
        start = end
    return Signatures(out, counts.astype(np.int32))


def text_shingles(text: str, k: int = SHINGLE_SIZE) -> np.ndarray:
    return shingle_hashes(tokens(text), k)


def signatures(texts: Iterable[str], k: int = SHINGLE_SIZE) -> Signatures:
    """MinHash signatures of a batch of texts."""
    return signatures_from_shingles([text_shingles(t, k) for t in texts])


def band_hashes(values: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n x bands) signed 64-bit hashes, one per band of `rows` consecutive MinHash values."""
    if bands * rows > values.shape[1]:
        raise ValueError(f"{bands} bands x {rows} rows need more than {values.shape[1]} permutations")
    sliced = values[:, : bands * rows].astype(np.uint64).reshape(len(values), bands, rows)
    with np.errstate(over="ignore"):
        h = np.zeros(sliced.shape[:2], dtype=np.uint64)
        for j in range(rows):
            h = _fmix(h ^ (sliced[:, :, j] * _POS[j % len(_POS)]))
        # the band number goes in too: equal slices in different bands do not collide
        h = _fmix(h ^ np.arange(bands, dtype=np.uint64)[None, :])
    return h.view(np.int64)


def jaccard(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard: the share of equal MinHash values (a: (n,P) or (P,), b likewise)."""
    return np.mean(a == b, axis=-1)


def containment(j: np.ndarray | float, size_a: np.ndarray | int, size_b: np.ndarray | int) -> np.ndarray:
    """Estimated share of the smaller shingle set inside the larger, from Jaccard and set sizes:
    |A ∩ B| = J (|A| + |B|) / (1 + J)."""
    j = np.asarray(j, dtype=np.float64)
    size_a, size_b = np.asarray(size_a, dtype=np.float64), np.asarray(size_b, dtype=np.float64)
    smaller = np.maximum(np.minimum(size_a, size_b), 1.0)
    return np.minimum(j * (size_a + size_b) / (1.0 + j) / smaller, 1.0)


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """The LSH S-curve: the chance that two documents with this Jaccard share a band."""
    return 1.0 - (1.0 - similarity**rows) ** bands


def to_bytes(values: np.ndarray) -> bytes:
    """One signature as 512 bytes (little-endian uint32), the `articles.minhash` column."""
    return np.ascontiguousarray(values, dtype="<u4").tobytes()


def from_bytes(blobs: Sequence[bytes]) -> np.ndarray:
    """Stored signatures back to an (n x NUM_PERM) array."""
    if not blobs:
        return np.empty((0, NUM_PERM), dtype=np.uint32)
    return np.frombuffer(b"".join(blobs), dtype="<u4").reshape(len(blobs), NUM_PERM).astype(np.uint32)
