"""Benchmark: claim matching and verification on labelled claim pairs, and claim extraction.

Pairs: the real-text dev set (tests/fixtures/realtext/claims/, read through
newswatch.devsets.claims with texts from $NEWSWATCH_REALTEXT) when it is there, its tuning part
and its held-out part reported apart; else our own pairs (tests/fixtures/claims/pairs.yaml,
written by us, all in-sample). Figures per part:

  auc_all / auc_within / auc_across  same-claim AUC of P(same) (newswatch.claims.scoring, the
              pipeline's scorer), all pairs, pairs within a language, Hindi–English pairs
  auc_cosine_only / auc_match_only  the same of the e5 cosine alone and of P(match) alone
  f1          same-claim F1 of the categories judging gives (same: restates or confirms), at the
              configured new_threshold / same_threshold, a pair below candidate_floor is new
  accuracy_<kind>  share of pairs of each kind whose category is the labelled one (the known claim
              a, the new claim b)
  changed_number_or_denial_restates  share of changed-number and denial pairs judged "restates"
  best_same_threshold  the P(same) threshold with the best F1 on the part (in-sample on it)
  numbers_ours / numbers_number_parser  phrases of tests/fixtures/claims/numbers.yaml read right
  dates_ours / dates_dateparser  Hindi dates of tests/fixtures/claims/dates.yaml read right (and ms)
  claims_per_s  claims judged per second (facts, embedding, matching, verification) on one core
  extraction  extraction_figures(...) of bench/claims_extract_eval.py, when that module exists

    python bench/claims.py [--quick]

--quick embeds with one pass (the figures do not change; timing is one pass). Human-readable lines
go to stderr; the last line of stdout is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, report  # noqa: E402

PAIRS = ROOT / "tests" / "fixtures" / "claims" / "pairs.yaml"
NUMBERS = ROOT / "tests" / "fixtures" / "claims" / "numbers.yaml"


def auc(scores, labels) -> float | None:
    pos = [s for s, lab in zip(scores, labels) if lab]
    neg = [s for s, lab in zip(scores, labels) if not lab]
    if not pos or not neg:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return round(wins / (len(pos) * len(neg)), 3)


def f1(predicted, labels) -> float:
    tp = sum(p and lab for p, lab in zip(predicted, labels))
    fp = sum(p and not lab for p, lab in zip(predicted, labels))
    fn = sum(lab and not p for p, lab in zip(predicted, labels))
    return round(2 * tp / max(2 * tp + fp + fn, 1), 3)


# the dev set's pair kinds → our kinds and the category newswatch must give side b with a known
DEVSET_KINDS = {
    "restatement": ("restatement", "restates"), "paraphrase": ("paraphrase", "restates"),
    "translation": ("translation", "restates"), "other-speaker-confirms": ("confirms", "confirms"),
    "changed-number": ("changed_number", "update"), "changed-polarity": ("denial", "contradicts"),
    "changed-modality": ("modality", "update"), "same-event-different-claim": ("same_event_other_claim", "new"),
    "different-event": ("different_event", "new"),
}


def _devset_pairs(claims_devset) -> list[dict]:
    """The real-text pairs as the evaluation reads them; labelled speakers where a side is a
    labelled claim (a written side: the extractor's speaker)."""
    dev = claims_devset.load()
    if dev.missing:
        print(f"real-text dev set: {len(dev.missing)} texts not filled locally, their pairs left out", file=sys.stderr)

    def speaker(side) -> str | None:
        article = dev.articles.get(side.article) if side.article else None
        claim = next((c for c in article.claims if c.id == side.claim), None) if article else None
        if claim is None:
            return None
        return " ".join(s.text for s in claim.speakers) or ""

    out = []
    for p in dev.pairs:
        kind, category = DEVSET_KINDS[p.kind]
        speakers = [speaker(p.a), speaker(p.b)]
        out.append({"id": p.id, "a": p.a_text, "b": p.b_text, "la": p.a_lang, "lb": p.b_lang, "kind": kind,
                    "same": p.same, "category": category, "heldout": p.heldout,
                    "speakers": speakers if any(s is not None for s in speakers) else None})
    return out


def load_pairs() -> tuple[str, list[dict]]:
    """(source, pairs): each pair a, b, la, lb, kind, same, category, heldout, speakers."""
    try:
        from newswatch.devsets import claims as claims_devset  # the real-text set (tests/fixtures/realtext/claims/)
    except ImportError:
        claims_devset = None
    if claims_devset is not None:
        try:
            pairs = _devset_pairs(claims_devset)
            if pairs:
                return "realtext", pairs
        except Exception as exc:  # texts not filled on this machine: say so, measure our own
            print(f"real-text dev set unavailable ({exc}); measuring our own pairs", file=sys.stderr)
    import yaml

    pairs = yaml.safe_load(PAIRS.read_text(encoding="utf-8"))["pairs"]
    return "own_pairs_in_sample", [{**p, "heldout": False} for p in pairs]


def number_figures() -> dict:
    import regex
    import yaml
    from newswatch.claims.numbers import quantities

    cases = yaml.safe_load(NUMBERS.read_text(encoding="utf-8"))
    ours = sum(sorted(q.value for q in quantities(c["text"], c["lang"]) if q.unit != "year")
               == sorted(float(v) for v in c["values"]) for c in cases)
    out = {"numbers_cases": len(cases), "numbers_ours": ours}
    try:
        from number_parser import parse
    except ImportError:
        return out
    theirs = 0
    for c in cases:
        parsed = parse(c["text"], language=c["lang"])
        values = sorted(float(x.replace(",", "")) for x in regex.findall(r"\d[\d,]*(?:\.\d+)?", parsed))
        theirs += values == sorted(float(v) for v in c["values"])
    out["numbers_number_parser"] = theirs
    return out


def date_figures() -> dict:
    """Hindi dates: newswatch.text.dates against dateparser (both read all of ours; ours is kept,
    it is what extraction already uses and needs no language detection)."""
    import yaml
    from newswatch.text.dates import find_dates

    cases = yaml.safe_load((NUMBERS.parent / "dates.yaml").read_text(encoding="utf-8"))
    started = time.perf_counter()
    ours = sum(any(d.date() == c["day"] for d in find_dates(c["text"])) for c in cases)
    ours_s = time.perf_counter() - started
    out = {"dates_cases": len(cases), "dates_ours": ours, "dates_ours_ms": round(1000 * ours_s, 2)}
    try:
        from dateparser.search import search_dates
    except ImportError:
        return out
    started = time.perf_counter()
    theirs = sum(any(d.date() == c["day"] for _, d in (search_dates(c["text"], languages=["hi"]) or [])) for c in cases)
    out.update(dates_dateparser=theirs, dates_dateparser_ms=round(1000 * (time.perf_counter() - started), 2))
    return out


def pair_sides(pairs: list[dict], topic, embedder, extractor=None) -> tuple[list[tuple], list[float]]:
    """(known side a, new side b) as scoring.Side records, and the cosine of their content
    embeddings: what the pipeline gives judging. A side's speaker is the labelled one where the
    side is a labelled claim, else the extractor's."""
    from newswatch.claims import ClaimExtractor
    from newswatch.claims.representation import content_text
    from newswatch.claims.scoring import Side
    from newswatch.claims.vectors import embed_form
    from newswatch.claims.verification import facts

    extractor = extractor or ClaimExtractor(topic)

    def speaker(text, lang, given):
        if given is not None:
            return given or None  # "" : labelled, no speaker named
        found = extractor.statements(text, lang)
        return found[0].speaker if found else None

    sides = []
    for p in pairs:
        given = p.get("speakers") or [None, None]
        sides.append((Side(p["a"], p["la"], speaker(p["a"], p["la"], given[0]), facts(p["a"], p["la"])),
                      Side(p["b"], p["lb"], speaker(p["b"], p["lb"], given[1]), facts(p["b"], p["lb"]))))
    # the model reads what the pipeline gives it (claims.vectors.embed_form)
    va = embedder.embed([embed_form(content_text(a.sentence, a.speaker)) for a, _ in sides])
    vb = embedder.embed([embed_form(content_text(b.sentence, b.speaker)) for _, b in sides])
    return sides, (va * vb).sum(axis=1).astype(float).tolist()


def evaluate(pairs: list[dict], topic, embedder, extractor) -> dict:
    """The figures of one part, through the pipeline's own code: scoring for P(same), judging
    (with the retrieval floor) for the category."""
    from newswatch.claims import scoring
    from newswatch.claims.judging import judge
    from newswatch.claims.matching import Known

    settings = topic.claims
    background = scoring.background_of(topic)
    started = time.perf_counter()
    sides, cosines = pair_sides(pairs, topic, embedder, extractor)
    scores, categories = [], []
    for (a, b), cosine in zip(sides, cosines):
        scores.append(scoring.score(cosine, a, b, background=background))
        known = Known(a.sentence, a.speaker, a.language, np.zeros(1), article_id=0)
        claim = extractor.claim(b.sentence, b.language, speaker=b.speaker, cue="bench")
        candidates = [(cosine, known)] if cosine >= settings.candidate_floor else []
        categories.append(judge(claim, candidates, settings, background=background).category)
    elapsed = time.perf_counter() - started
    labels = [bool(p["same"]) for p in pairs]
    within = [p["la"] == p["lb"] for p in pairs]
    across = [{p["la"], p["lb"]} == {"hi", "en"} for p in pairs]
    same = [s.same for s in scores]
    same_pred = [c in ("restates", "confirms") for c in categories]

    def part(values, keep):
        return auc([v for v, k in zip(values, keep) if k], [lab for lab, k in zip(labels, keep) if k])

    out = {
        "pairs": len(pairs),
        "auc_all": auc(same, labels),
        "auc_within": part(same, within),
        "auc_across": part(same, across),
        "auc_cosine_only": auc(cosines, labels),
        "auc_match_only": auc([s.match for s in scores], labels),
        "f1": f1(same_pred, labels),
    }
    thresholds = np.arange(0.1, 0.9, 0.01)
    best = max(thresholds, key=lambda t: f1([v >= t for v in same], labels))
    out["best_same_threshold"] = round(float(best), 2)  # in-sample on the part it is chosen on
    for kind in sorted({p["kind"] for p in pairs}):
        mine = [(c, p["category"]) for c, p in zip(categories, pairs) if p["kind"] == kind]
        out[f"accuracy_{kind}"] = round(sum(c == want for c, want in mine) / len(mine), 3)
    hard = [c for c, p in zip(categories, pairs) if p["kind"] in ("changed_number", "denial")]
    out["changed_number_or_denial_restates"] = round(sum(c == "restates" for c in hard) / max(len(hard), 1), 3)
    out["claims_per_s"] = round(len(pairs) / elapsed, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one pass (< 1 min)")
    parser.parse_args()

    from newswatch.claims import ClaimExtractor
    from newswatch.claims.representation import embedder_for
    from newswatch.config import load_topic

    topic = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
    settings = topic.claims
    embedder = embedder_for(settings.embedder, threads=1)
    extractor = ClaimExtractor(topic)
    source, pairs = load_pairs()
    figures: dict = {"source": source, "embedder": embedder.name, "new_threshold": settings.new_threshold,
                     "same_threshold": settings.same_threshold, "candidate_floor": settings.candidate_floor}
    tuning = [p for p in pairs if not p.get("heldout")]
    heldout = [p for p in pairs if p.get("heldout")]
    figures["tuning" if source == "realtext" else "in_sample"] = evaluate(tuning, topic, embedder, extractor)
    if heldout:
        figures["heldout"] = evaluate(heldout, topic, embedder, extractor)
    figures.update(number_figures())
    figures.update(date_figures())
    try:
        from claims_extract_eval import extraction_figures  # another engineer's module, when merged
    except ImportError:
        extraction_figures = None
    if extraction_figures is not None:
        figures["extraction"] = extraction_figures(topic=topic)
    report(figures)


if __name__ == "__main__":
    main()
