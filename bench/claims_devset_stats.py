"""What the claims dev set holds (tests/fixtures/realtext/claims/): counts per language, kind and split.

Reads the label files only (no article text is needed; texts present locally are counted too):

  articles   per language x form (article | summary) x split; events; held-out share
  claims     per language x split; how many have no speaker (anonymous or generic sources)
  pairs      per kind x split; per language combination (hi-hi, en-en, hi-en); real vs written sides;
             restatements across outlets; held-out share
  texts      how many are filled locally (`newswatch devset fill tests/fixtures/realtext/claims/sources.yaml`)

    python bench/claims_devset_stats.py [--quick] [--folder DIR]

--quick is accepted for the bench convention; the script is quick either way. Human-readable lines
go to stderr; the last line of stdout is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import report  # noqa: E402
from newswatch import devsets  # noqa: E402
from newswatch.devsets import claims as claims_devset


def _split(heldout: bool) -> str:
    return "heldout" if heldout else "tune"


def stats(folder: Path) -> dict:
    labels = claims_devset.read_labels(folder)
    arts = list(labels.articles.values())
    figures: dict = {}
    figures["articles"] = dict(sorted(Counter(f"{a.language}/{a.form}/{_split(a.heldout)}" for a in arts).items()))
    figures["articles_total"] = len(arts)
    figures["full_articles_by_language"] = dict(Counter(a.language for a in arts if a.form == "article"))
    figures["events"] = len({a.event for a in arts})
    figures["events_heldout"] = len({a.event for a in arts if a.heldout})
    figures["articles_heldout_share"] = round(sum(a.heldout for a in arts) / len(arts), 3)
    claims = [(a, c) for a in arts for c in a.claims]
    figures["claims"] = dict(sorted(Counter(f"{c.language}/{_split(a.heldout)}" for a, c in claims).items()))
    figures["claims_total"] = len(claims)
    figures["claims_without_speaker"] = dict(Counter(c.language for _, c in claims if not c.speakers))
    pairs = labels.pairs
    figures["pairs_total"] = len(pairs)
    figures["pairs_by_kind"] = dict(sorted(Counter(p.kind for p in pairs).items()))
    figures["pairs_by_kind_split"] = dict(sorted(Counter(f"{p.kind}/{_split(p.heldout)}" for p in pairs).items()))
    figures["pairs_same"] = sum(p.same for p in pairs)
    figures["pairs_by_languages"] = dict(Counter("-".join(sorted((p.a_lang, p.b_lang))) for p in pairs))
    figures["pairs_by_languages_kind"] = dict(sorted(
        Counter(f"{'-'.join(sorted((p.a_lang, p.b_lang)))}/{p.kind}" for p in pairs).items()))
    figures["pairs_both_real"] = sum(p.b.article is not None for p in pairs)
    figures["pairs_with_written_side"] = sum(p.b.article is None for p in pairs)
    outlet = {a.id: a.outlet for a in arts}
    figures["restatements_across_outlets"] = sum(
        p.kind == "restatement" and p.b.article is not None and outlet[p.a.article] != outlet[p.b.article]
        for p in pairs)
    figures["real_cross_lingual_pairs"] = sum(p.b.article is not None and p.cross_lingual for p in pairs)
    figures["pairs_heldout_share"] = round(sum(p.heldout for p in pairs) / len(pairs), 3)
    present = devsets.load(labels.manifest)
    figures["texts_present_locally"] = f"{len(present)} of {len(arts)}"
    figures["label_problems"] = len(claims_devset.problems(labels))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="accepted for the bench convention")
    parser.add_argument("--folder", type=Path, default=claims_devset.DEFAULT_DIR)
    args = parser.parse_args(argv)
    report(stats(args.folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
