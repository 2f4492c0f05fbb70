"""Fit the claim scorer (newswatch.claims.scoring) on the real-text dev set's TUNE split only and
write include/newswatch/claims/data/scoring.json.

Two logistic regressions (plain numpy, Newton steps, L2 on standardised features, the bias not
penalised), each pair weighted so every language pair (en-en, hi-hi, hi-en) and within it every
label weighs the same:

- match: about the same thing (same-claim kinds and the changed-fact kinds) or not (another
  claim of the event, another event);
- agree: on matched pairs only, the same proposition (restatement, paraphrase, translation,
  other-speaker-confirms) or a fact changed.

The L2 strength is chosen by 5-fold cross-validation on the tune split (log-loss). The IDF table
is the document frequency of the stems of the tune texts (only stems seen twice or more are
written; another word gets the default, the largest). Prints the cross-validated figures and,
for the thresholds, F1 / category accuracy on the tune split over a grid (in-sample).

    python bench/claims_fit.py [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT  # noqa: E402

OUT = ROOT / "include" / "newswatch" / "claims" / "data" / "scoring.json"
SAME_KINDS = {"restatement", "paraphrase", "translation", "confirms"}
CHANGED_KINDS = {"changed_number", "denial", "modality"}
L2_GRID = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BACKGROUND_GRID = (0.0, 0.1, 0.25, 0.5, 0.75, 1.0)  # how much the topic's own names count (scoring.Background)
SAME_THRESHOLD = 0.3  # the topic's claims.same_threshold, for the cross-validated F1


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float,
                 gates: dict[int, int] | None = None) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression; weights and bias in the raw feature space. `gates`:
    column → the indicator column it is multiplied by (cosine x language pair): such a column is
    standardised over the rows its indicator holds, so the penalty weighs the slope within a
    language pair, not the gap between pairs."""
    mean = (w[:, None] * x).sum(0) / w.sum()
    std = np.sqrt((w[:, None] * (x - mean) ** 2).sum(0) / w.sum())
    for col, gate in (gates or {}).items():
        rows = x[:, gate] > 0
        if rows.any():
            mean[col] = np.average(x[rows, col], weights=w[rows])
            std[col] = np.sqrt(np.average((x[rows, col] - mean[col]) ** 2, weights=w[rows]))
    std = np.where(std < 1e-9, 1.0, std)
    z = (x - mean) / std
    for col, gate in (gates or {}).items():
        z[:, col] = np.where(x[:, gate] > 0, z[:, col], 0.0)
    z = np.hstack([z, np.ones((len(x), 1))])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = sigmoid(z @ beta)
        grad = z.T @ (w * (p - y)) + penalty * beta
        hess = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(penalty) + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    weights = beta[:-1] / std
    bias = float(beta[-1])
    shift = weights * mean  # what centring took off each column ...
    for col, gate in (gates or {}).items():
        weights[gate] -= shift[col]  # ... a gated one only where its gate holds
        shift[col] = 0.0
    return weights, bias - float(shift.sum())


def balanced(groups: list[str], y: np.ndarray) -> np.ndarray:
    cells: dict[tuple[str, int], int] = {}
    for g, label in zip(groups, y):
        cells[(g, int(label))] = cells.get((g, int(label)), 0) + 1
    per_group = {g: sum(1 for (gg, _) in cells if gg == g) for g, _ in cells}
    w = np.asarray([1.0 / (cells[(g, int(lab))] * per_group[g]) for g, lab in zip(groups, y)])
    return w * len(w) / w.sum()


def choose_l2(x: np.ndarray, y: np.ndarray, w: np.ndarray, gates: dict[int, int] | None = None,
              folds: int = 5, seed: int = 12, quiet: bool = False) -> float:
    order = np.random.default_rng(seed).permutation(len(y))
    fold_of = np.empty(len(y), dtype=int)
    fold_of[order] = np.arange(len(y)) % folds
    losses = {}
    for l2 in L2_GRID:
        loss = 0.0
        for f in range(folds):
            train, test = fold_of != f, fold_of == f
            weights, bias = fit_logistic(x[train], y[train], w[train], l2, gates)
            p = np.clip(sigmoid(x[test] @ weights + bias), 1e-6, 1 - 1e-6)
            loss -= (w[test] * (y[test] * np.log(p) + (1 - y[test]) * np.log(1 - p))).sum()
        losses[l2] = loss / w.sum()
    if not quiet:
        print("l2 cross-validated log-loss:", {k: round(v, 4) for k, v in losses.items()}, file=sys.stderr)
    return min(losses, key=losses.get)


class CachedEmbedder:
    """The configured embedder with its vectors kept in .local/cache (refitting after a feature
    change needs no new embedding)."""

    def __init__(self, embedder) -> None:
        self._embedder, self.name, self.dim = embedder, embedder.name, embedder.dim
        self._path = ROOT / ".local" / "cache" / f"claims_fit_{embedder.name.replace(':', '_')}.npz"
        self._known = dict(np.load(self._path)) if self._path.exists() else {}

    def embed(self, texts: list[str]) -> np.ndarray:
        from newswatch.claims.vectors import cache_key

        keys = [cache_key(t).hex() for t in texts]
        missing = [t for t, k in zip(texts, keys) if k not in self._known]
        if missing:
            self._known.update(zip((cache_key(t).hex() for t in missing), self._embedder.embed(missing)))
            self._path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self._path, **self._known)
        return np.vstack([self._known[k] for k in keys])


def tune_features(embedder_spec: str | None = None):
    """The tune pairs with their sides (scoring.Side), cosines and labels."""
    from claims import load_pairs, pair_sides
    from newswatch.claims.representation import embedder_for
    from newswatch.config import load_topic

    topic = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
    embedder = CachedEmbedder(embedder_for(embedder_spec or topic.claims.embedder, threads=1))
    source, pairs = load_pairs()
    if source != "realtext":
        raise SystemExit("the real-text dev set is needed (fill .local/realtext first)")
    tune = [p for p in pairs if not p.get("heldout")]
    sides, cosines = pair_sides(tune, topic, embedder)
    return topic, tune, sides, cosines


def fit_models(xm: np.ndarray, xa: np.ndarray, matched: np.ndarray, same: np.ndarray, kinds: list[str],
               quiet: bool = False) -> dict:
    """The match and agree regressions on these rows: {"match": {...}, "agree": {...}} as
    scoring.json writes them (the L2 strength of each chosen by 5-fold CV on the rows given)."""
    from newswatch.claims import scoring

    out = {}
    for name, x, y, rows, names in (("match", xm, matched, np.ones(len(kinds), bool), scoring.MATCH_FEATURES),
                                    ("agree", xa, same, matched.astype(bool), scoring.AGREE_FEATURES)):
        groups = [k for k, r in zip(kinds, rows) if r]
        w = balanced(groups, y[rows])
        gates = ({names.index(f"cos_{k}"): names.index(k) for k in scoring.PAIR_KINDS} if name == "match" else None)
        l2 = choose_l2(x[rows], y[rows], w, gates, quiet=quiet)
        coef, bias = fit_logistic(x[rows], y[rows], w, l2, gates)
        if name == "agree":  # a changed fact never makes agreement likelier: such weights are 0
            keep = np.ones(len(names), bool)
            while (coef[keep] > 0).any():
                keep &= ~(coef > 0)
                sub, bias = fit_logistic(x[rows][:, keep], y[rows], w, l2)
                coef = np.zeros(len(names))
                coef[keep] = sub
        out[name] = {"weights": {n: round(float(v), 4) for n, v in zip(names, coef)}, "bias": round(bias, 4),
                     "l2": l2, "pairs": int(rows.sum())}
    return out


def design(sides, cosines, weights, background) -> tuple[np.ndarray, np.ndarray]:
    """The match and agree feature rows of the pairs with this background."""
    from newswatch.claims import scoring

    xm = np.vstack([scoring.match_features(c, a, b, scoring.same_source(a.speaker, b.speaker), weights, background)
                    for c, (a, b) in zip(cosines, sides)])
    close = [scoring.closeness(a, b, x) for (a, b), x in zip(sides, xm)]
    xa = np.vstack([scoring.agree_features(scoring.score(c, a, b, weights=weights).change, k)
                    for c, (a, b), k in zip(cosines, sides, close)])
    return xm, xa


def p_same(part: dict, xm: np.ndarray, xa: np.ndarray) -> np.ndarray:
    from newswatch.claims import scoring

    def prob(model: dict, names, x):
        return sigmoid(x @ np.asarray([model["weights"][n] for n in names]) + model["bias"])
    return prob(part["match"], scoring.MATCH_FEATURES, xm) * prob(part["agree"], scoring.AGREE_FEATURES, xa)


def cross_validated(xm, xa, matched, same, kinds, folds: int = 5, seed: int = 12) -> dict:
    """Out-of-fold P(same) of the tune pairs (both models refitted on the other folds): its
    log-loss (each language pair and label weighing the same), AUC and F1 at SAME_THRESHOLD."""
    from claims import auc

    order = np.random.default_rng(seed).permutation(len(kinds))
    fold_of = np.empty(len(kinds), dtype=int)
    fold_of[order] = np.arange(len(kinds)) % folds
    prob = np.zeros(len(kinds))
    for f in range(folds):
        train, test = fold_of != f, fold_of == f
        part = fit_models(xm[train], xa[train], matched[train], same[train],
                          [k for k, t in zip(kinds, train) if t], quiet=True)
        prob[test] = p_same(part, xm[test], xa[test])
    w = balanced(kinds, same)
    p = np.clip(prob, 1e-6, 1 - 1e-6)
    loss = -(w * (same * np.log(p) + (1 - same) * np.log(1 - p))).sum() / w.sum()
    pred, lab = prob >= SAME_THRESHOLD, same.astype(bool)
    tp = int((pred & lab).sum())
    across = np.asarray([k == "hi-en" for k in kinds])
    return {"log_loss": round(float(loss), 4), "auc": auc(prob.tolist(), lab.tolist()),
            "auc_across": auc(prob[across].tolist(), lab[across].tolist()),
            "f1": round(2 * tp / max(2 * tp + int((pred != lab).sum()), 1), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print, do not write scoring.json")
    args = parser.parse_args()

    from newswatch.claims import scoring

    topic, tune, sides, cosines = tune_features()
    idf, default = scoring.idf_table(sorted({(s.sentence, s.language) for ab in sides for s in ab}))
    base = {"match": {"weights": dict.fromkeys(scoring.MATCH_FEATURES, 0.0), "bias": 0.0},
            "agree": {"weights": dict.fromkeys(scoring.AGREE_FEATURES, 0.0), "bias": 0.0},
            "idf": {"words": idf, "default": default}}
    weights = scoring.Weights.from_dict(base)
    kinds = [scoring.pair_kind(p["la"], p["lb"]) for p in tune]
    matched = np.asarray([p["kind"] in SAME_KINDS | CHANGED_KINDS for p in tune], dtype=float)
    same = np.asarray([p["kind"] in SAME_KINDS for p in tune], dtype=float)
    # how much the topic's own names count: the weight whose out-of-fold P(same) has the least log-loss
    cv = {}
    for bw in BACKGROUND_GRID:
        xm, xa = design(sides, cosines, weights, scoring.background_of(topic, bw))
        cv[bw] = cross_validated(xm, xa, matched, same, kinds)
        print(f"background weight {bw}: cross-validated {cv[bw]}", file=sys.stderr)
    chosen = min(cv, key=lambda bw: cv[bw]["log_loss"])
    background = scoring.background_of(topic, chosen)
    xm, xa = design(sides, cosines, weights, background)
    out = {"fitted_on": "tests/fixtures/realtext/claims tune split (bench/claims_fit.py)",
           "embedder": topic.claims.embedder,
           "background": {"weight": chosen, "cross_validated": {str(k): v for k, v in cv.items()}},
           **fit_models(xm, xa, matched, same, kinds), "idf": base["idf"]}
    for name in ("match", "agree"):
        print(name, out[name], file=sys.stderr)
    fitted = scoring.Weights.from_dict(out)
    scores = [scoring.score(c, a, b, weights=fitted, background=background) for c, (a, b) in zip(cosines, sides)]
    labels = same.astype(bool)
    for t in np.arange(0.2, 0.8, 0.05):
        pred = [s.same >= t for s in scores]
        tp = sum(p and lab for p, lab in zip(pred, labels))
        f1 = 2 * tp / max(2 * tp + sum(p != lab for p, lab in zip(pred, labels)), 1)
        print(f"same_threshold {t:.2f}: tune F1 {f1:.3f} (in-sample)", file=sys.stderr)
    if not args.dry_run:
        OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
