"""Benchmark: claim extraction and claim novelty against tests/fixtures/claims/seed_claims.yaml.

  seed_*      precision / recall of the extracted claims against the hand labels of the five seed
              articles (the set the extractor was developed on), and speaker accuracy (normalised,
              one contained in the other) over the claims found in both.
  held_out_*  the same on two demo pages labelled after the extractor was written.
  restatement_min_similarity  the lowest, over the English restatement's claims, of the similarity to
              the nearest unit of everything the seeds say; new_claim_max_similarity the highest for the
              claims of the satellite page labelled new; both against `new_threshold`.
  claims_per_s   claims extracted per second over all labelled texts (every sentence split, checked
              for cues and given its features); sentences_per_s the sentences handled per second.
  comparisons_per_s  claim_similarity calls per second (candidate claims × seed units).

    python bench/claims.py [--quick]

--quick runs each timing once (< 10 s); the default repeats them 20 times. Human-readable lines go
to stderr; the last line of stdout is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, report  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "claims" / "seed_claims.yaml"
BASE_URL = "http://127.0.0.1:8765"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one timing pass (< 1 min)")
    args = parser.parse_args()
    repeat = 1 if args.quick else 20

    import yaml
    from newswatch.claims import ClaimExtractor, normalize_claim, precision_recall
    from newswatch.config import load_topic
    from newswatch.extract import extract_article

    topic = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
    extractor = ClaimExtractor(topic)
    documents = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["documents"]
    texts = {}
    for doc in documents:
        path = ROOT / doc["source"]
        if path.suffix == ".txt":
            texts[doc["id"]] = path.read_text(encoding="utf-8")
        else:
            html = path.read_text(encoding="utf-8").replace("__BASE_URL__", BASE_URL)
            texts[doc["id"]] = extract_article(html, f"{BASE_URL}/articles/{path.name}").text

    def evaluate(doc_set: str) -> tuple[float, float, float]:
        predicted, gold, ok, n = set(), set(), 0, 0
        for doc in (d for d in documents if d["set"] == doc_set):
            labelled = {normalize_claim(s["text"]): s["speaker"] for s in doc["sentences"] if s["claim"]}
            found = {c.normalized: c.speaker for c in extractor.extract(texts[doc["id"]], doc["language"])}
            predicted |= {(doc["id"], k) for k in found}
            gold |= {(doc["id"], k) for k in labelled}
            for key in found.keys() & labelled.keys():
                want, got = labelled[key], found[key]
                n += 1
                ok += (want is None and got is None) or bool(want and got and (
                    normalize_claim(want) in normalize_claim(got) or normalize_claim(got) in normalize_claim(want)))
        precision, recall = precision_recall(predicted, gold)
        return precision, recall, ok / max(n, 1)

    seed_p, seed_r, seed_s = evaluate("seed")
    held_p, held_r, held_s = evaluate("held_out")

    units = [u for d in documents if d["set"] == "seed" for u in extractor.known_units(texts[d["id"]], d["language"])]
    restatement = extractor.extract(texts["demo_restatement_en"], "en")
    satellite_doc = next(d for d in documents if d["id"] == "demo_new_claim_hi")
    new_keys = {normalize_claim(s["text"]) for s in satellite_doc["sentences"] if s.get("novelty") == "new"}
    new_claims = [c for c in extractor.extract(texts["demo_new_claim_hi"], "hi") if c.normalized in new_keys]
    restatement_min = min(extractor.nearest_known(c, units)[1] for c in restatement)
    new_max = max(extractor.nearest_known(c, units)[1] for c in new_claims)

    start = time.perf_counter()
    statements = claims = 0
    for _ in range(repeat):
        for doc in documents:
            found = extractor.statements(texts[doc["id"]], doc["language"])
            statements += len(found)
            claims += sum(1 for c in found if c.is_claim)
    extract_s = time.perf_counter() - start

    candidates = restatement + new_claims
    start = time.perf_counter()
    for _ in range(repeat):
        for claim in candidates:
            extractor.nearest_known(claim, units)
    compare_s = time.perf_counter() - start

    report({
        "seed_precision": round(seed_p, 3), "seed_recall": round(seed_r, 3), "seed_speaker_accuracy": round(seed_s, 3),
        "held_out_precision": round(held_p, 3), "held_out_recall": round(held_r, 3),
        "held_out_speaker_accuracy": round(held_s, 3),
        "new_threshold": topic.claims.new_threshold,
        "restatement_min_similarity": round(restatement_min, 3), "new_claim_max_similarity": round(new_max, 3),
        "claims_per_s": round(claims / extract_s, 1), "sentences_per_s": round(statements / extract_s, 1),
        "comparisons_per_s": round(repeat * len(candidates) * len(units) / compare_s, 1),
        "seed_units": len(units), "repeat": repeat,
    })


if __name__ == "__main__":
    main()
