"""MinHash signatures and LSH band hashes: stable, accurate, Devanagari-safe."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT
from datasketch import MinHash
from newswatch.dedupe import minhash
from newswatch.text.normalize import tokens as textnorm_tokens

SEEDS = sorted((ROOT / "include" / "seed_corpus").glob("*.txt"))


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in SEEDS]


@pytest.mark.parametrize("text", [
    *[p.read_text(encoding="utf-8")[:2000] for p in SEEDS],
    "क़िला ज़रूरत २०२४ के\u200dलिए ZWJ\u200cx । ॥ Straße İstanbul ड़ॉ Ｆｕｌｌ",
    "", "   ", "किम जोंग-उन", "North Korea's KCNA, 2024.",
])
def test_fast_tokens_are_exactly_textnorms(text):
    assert minhash.tokens(text) == textnorm_tokens(text)


def test_signatures_are_stable_across_processes():
    """No salted hash(): another interpreter (other PYTHONHASHSEED) gives the same values."""
    text = _texts()[0]
    here = minhash.signatures([text]).values[0]
    code = ("import sys; from newswatch.dedupe import minhash; "
            "sys.stdout.write(minhash.signatures([open(sys.argv[1], encoding='utf-8').read()]).values[0].tobytes().hex())")
    out = subprocess.run([sys.executable, "-c", code, str(SEEDS[0])], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"})
    assert bytes.fromhex(out.stdout) == here.tobytes()


def test_batch_equals_one_by_one_and_handles_empty_and_short_texts():
    texts = [*_texts(), "", "दो शब्द", "एक"]
    batch = minhash.signatures(texts)
    for k, text in enumerate(texts):
        single = minhash.signatures([text])
        assert np.array_equal(batch.values[k], single.values[0])
        assert batch.shingle_counts[k] == single.shingle_counts[0]
    assert batch.shingle_counts[-3] == 0 and (batch.values[-3] == minhash.EMPTY).all()
    assert batch.shingle_counts[-2] == 1 and batch.shingle_counts[-1] == 1  # shorter than k: one shingle


def test_estimated_jaccard_tracks_the_true_jaccard():
    rng = np.random.default_rng(3)
    words = textnorm_tokens(" ".join(_texts()))
    errors = []
    for _ in range(40):
        a = list(rng.choice(words, 300))
        b = a[: int(rng.integers(100, 300))] + list(rng.choice(words, int(rng.integers(0, 150))))
        sa, sb = minhash.shingle_hashes(a), minhash.shingle_hashes(b)
        true = len(np.intersect1d(sa, sb)) / len(np.union1d(sa, sb))
        sig = minhash.signatures_from_shingles([sa, sb]).values
        errors.append(abs(float(minhash.jaccard(sig[0], sig[1])) - true))
    # 128 permutations: standard error sqrt(J(1-J)/128) <= 0.044
    assert np.mean(errors) < 0.04 and max(errors) < 0.15


def test_agrees_with_datasketch_estimates():
    text = _texts()[1]
    words = textnorm_tokens(text)
    half = " ".join(words[: len(words) // 2])
    ours = minhash.signatures([text, half])
    theirs = []
    for w in (words, textnorm_tokens(half)):
        m = MinHash(num_perm=128)
        m.update_batch([" ".join(w[i : i + 3]).encode("utf-8") for i in range(len(w) - 2)])
        theirs.append(m)
    assert abs(float(minhash.jaccard(*ours.values)) - theirs[0].jaccard(theirs[1])) < 0.12


def test_containment_of_a_truncated_copy_is_high_while_jaccard_is_not():
    words = textnorm_tokens(_texts()[2])
    full, part = " ".join(words), " ".join(words[: len(words) * 2 // 5])
    sig = minhash.signatures([full, part])
    j = float(minhash.jaccard(*sig.values))
    assert j < 0.55
    assert minhash.containment(j, *sig.shingle_counts) > 0.85


def test_nukta_digit_and_spacing_variants_give_the_same_signature():
    text = _texts()[2]
    variant = text.replace("ज़", "ज").replace("\n\n", "\n  ").translate(str.maketrans("0123456789", "०१२३४५६७८९"))
    a, b = minhash.signatures([text, variant]).values
    assert np.array_equal(a, b)


def test_band_hashes_match_only_when_the_rows_match():
    sig = minhash.signatures(_texts()[:2]).values
    bands = minhash.band_hashes(sig, 42, 3)
    assert bands.shape == (2, 42) and bands.dtype == np.int64
    copy = sig[0].copy()
    copy[5] ^= 1  # row 5 belongs to band 1
    changed = minhash.band_hashes(np.stack([sig[0], copy]), 42, 3)
    assert (changed[0] == changed[1]).sum() == 41 and changed[0, 1] != changed[1, 1]
    # the same slice in another band position hashes differently
    same = np.tile(sig[0, :3], 42)[None, :]
    assert len(set(minhash.band_hashes(same, 42, 3)[0].tolist())) == 42
    with pytest.raises(ValueError):
        minhash.band_hashes(sig, 43, 3)


def test_s_curve_of_the_chosen_banding():
    assert minhash.candidate_probability(0.5, 42, 3) > 0.99
    assert minhash.candidate_probability(0.4, 42, 3) > 0.93
    assert minhash.candidate_probability(0.05, 42, 3) < 0.01


def test_signatures_round_trip_through_bytes():
    sig = minhash.signatures(_texts()).values
    blobs = [minhash.to_bytes(v) for v in sig]
    assert all(len(b) == 512 for b in blobs)
    assert np.array_equal(minhash.from_bytes(blobs), sig)
