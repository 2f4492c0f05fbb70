"""The one place texts become vectors: each distinct text is embedded once, ever.

A text is embedded in its canonical form (`embed_form`: NFC, nukta folded, zero-width characters
dropped, whitespace collapsed), so two spellings of one sentence get one vector and the cache key
(sha256 of that form) says exactly what the model saw. `Vectors.get(texts)` dedupes the batch,
answers what this call already has from memory, reads the rest from `embedding_cache` in one
query, embeds what is still missing in one model call and writes those back in one statement.
A republished sentence, a background paragraph reused by a follow-up or a seed seen on an earlier
night is therefore read, not embedded. The cache holds float32 as the model gave it: the answers
are the same with and without it. Without a connection (the dev-set bench) only memory is used.

Cache writes join the caller's transaction: a load that rolls back leaves no vectors behind, and
a retried load finds the ones it committed (ON CONFLICT DO NOTHING: two loads racing agree).
"""

from __future__ import annotations

import hashlib
import time

import numpy as np
import psycopg

from newswatch.claims.representation import Embedder
from newswatch.store import claims as store_claims
from newswatch.text.normalize import ZERO_WIDTH, fold_nukta


def embed_form(text: str) -> str:
    """What the model is given for `text`: NFC, nukta folded, no zero-width characters, single
    spaces. Case, digits and punctuation are kept (the model reads them)."""
    return " ".join(fold_nukta(text).translate(ZERO_WIDTH).split())


def cache_key(text: str) -> bytes:
    """sha256 of the embedded form (32 bytes, the cache's key with the embedder's name)."""
    return hashlib.sha256(embed_form(text).encode("utf-8")).digest()


class Vectors:
    """Representations by text for one assessment. `conn` None: memory only (no cache table).
    Counts: `embedded` by the model, `cached` read from the table, `reused` answered from memory;
    `seconds` spent here (cache reads and writes included), `model_seconds` in the model (and
    `model_cpu_seconds` of this process's CPU: on a shared machine, what one core of its own needs)."""

    def __init__(self, embedder: Embedder, conn: psycopg.Connection | None = None, cache: bool = True) -> None:
        self.embedder = embedder
        self.conn = conn if cache else None
        self._memo: dict[bytes, np.ndarray] = {}
        self.embedded = self.cached = self.reused = 0
        self.seconds = self.model_seconds = self.model_cpu_seconds = 0.0

    def get(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32, one row per text in order."""
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        started = time.perf_counter()
        keys = [cache_key(t) for t in texts]
        first: dict[bytes, str] = {}
        for key, text in zip(keys, texts):
            first.setdefault(key, text)
        missing = [k for k in first if k not in self._memo]
        self.reused += len(first) - len(missing)
        if missing and self.conn is not None:
            found = self._read(missing)
            self.cached += len(found)
            self._memo.update(found)
            missing = [k for k in missing if k not in found]
        if missing:
            t, cpu = time.perf_counter(), time.process_time()
            vectors = np.asarray(self.embedder.embed([embed_form(first[k]) for k in missing]), dtype=np.float32)
            self.model_seconds += time.perf_counter() - t
            self.model_cpu_seconds += time.process_time() - cpu
            self.embedded += len(missing)
            self._memo.update(zip(missing, vectors))
            if self.conn is not None:
                self._write(missing, vectors)
        out = np.vstack([self._memo[k] for k in keys])
        self.seconds += time.perf_counter() - started
        return out

    def _read(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        dim = self.embedder.dim
        found = {}
        for sha, blob in store_claims.cached_vectors(self.conn, self.embedder.name, keys):
            vector = np.frombuffer(blob, dtype="<f4")
            if vector.shape == (dim,):  # a row of another dimension is not this model's: embed again
                found[bytes(sha)] = vector.astype(np.float32)
        return found

    def _write(self, keys: list[bytes], vectors: np.ndarray) -> None:
        blobs = [np.ascontiguousarray(v, dtype="<f4").tobytes() for v in vectors]
        store_claims.cache_vectors(self.conn, self.embedder.name, keys, blobs)
