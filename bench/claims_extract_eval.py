"""Claim extraction measured on the real-text dev set (tests/fixtures/realtext/claims): precision,
recall and F1 of the claims found, and speaker accuracy, per language and per split (`tuned`: the
part the extractor was tuned on, an in-sample figure; `heldout`: never looked at while tuning);
and our sentence splitter against pysbd: sentence-boundary P/R/F1 on the labelled claim sentences
and the claim F1 each splitter gives.

How a figure is counted:
  claims     a found claim matches a labelled one when their spans overlap by at least half of the
             longer of the two (one to one, best overlap first); P = matched / found, R = matched /
             labelled.
  speakers   over the matched claims: exact when the found speaker equals a labelled speaker span
             (or the span covering all of a claim's speakers, "Russia and North Korea"), compared
             NFC, nukta-folded, case-folded, without punctuation or a leading article; null = null.
             Contained: one contains the other.
  boundaries a labelled claim span's start and end are sentence boundaries the splitter should give
             (TP when it does, FN when not); a boundary the splitter puts strictly inside a
             labelled span is a FP. Spans split at a clause (two speakers in one sentence) count
             only their sentence-level ends.

    python bench/claims_extract_eval.py [--quick] [--errors tuned|heldout] [--before REV]

bench/claims.py calls `extraction_figures()`; this main prints the same figures (readable lines on
stderr, one JSON object as stdout's last line). Needs the texts locally (NEWSWATCH_REALTEXT or
`newswatch devset fill tests/fixtures/realtext/claims/sources.yaml`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, report  # noqa: E402

_SENTENCE_END = set(".?!।॥|\"”’')]»")


@dataclass(frozen=True)
class GoldClaim:
    start: int
    end: int
    speakers: tuple[str, ...]  # as written; () = null (generic, anonymous, impersonal)
    speaker_cover: str | None  # the text from the first speaker span to the last (several speakers)


@dataclass(frozen=True)
class Article:
    id: str
    language: str
    heldout: bool
    text: str
    claims: tuple[GoldClaim, ...]


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    speaker: str | None


def load_articles(devset=None) -> list[Article]:
    """The dev set's articles with their labelled claims, texts verified by sha256."""
    from newswatch.devsets import claims as claims_devset

    devset = devset or claims_devset.load()
    out = []
    for doc in devset.articles.values():
        gold = []
        for claim in doc.claims:
            spans = [(s.start, s.end) for s in claim.speakers]
            texts = tuple(doc.text[s:e] for s, e in spans)
            cover = doc.text[min(s for s, _ in spans):max(e for _, e in spans)] if len(spans) > 1 else None
            gold.append(GoldClaim(claim.span.start, claim.span.end, texts, cover))
        out.append(Article(doc.id, doc.language, doc.heldout, doc.text, tuple(gold)))
    return out


def load_pairs(devset=None) -> list[tuple[str, str, str, str, bool, str, bool]]:
    """(text a, lang a, text b, lang b, same, kind, heldout) of every pair whose texts are present."""
    from newswatch.devsets import claims as claims_devset

    devset = devset or claims_devset.load()
    return [(p.a_text, p.a_lang, p.b_text, p.b_lang, p.same, p.kind, p.heldout) for p in devset.pairs]


def _norm(text: str | None) -> str:
    if not text:
        return ""
    from newswatch.text.normalize import normalize_text

    text = normalize_text(text)
    text = regex.sub(r"[^\p{L}\p{M}\p{N}\s]", " ", text)
    return regex.sub(r"^(?:the|a|an)\s+", "", " ".join(text.split()))


def match(found: list[Found], gold: Iterable[GoldClaim]) -> list[tuple[Found, GoldClaim]]:
    """One-to-one pairs whose spans overlap by at least half of the longer, best overlap first."""
    candidates = []
    for i, f in enumerate(found):
        for j, g in enumerate(gold):
            overlap = min(f.end, g.end) - max(f.start, g.start)
            longer = max(f.end - f.start, g.end - g.start)
            if longer > 0 and overlap * 2 >= longer:
                candidates.append((overlap / longer, i, j, f, g))
    used_f, used_g, pairs = set(), set(), []
    for _, i, j, f, g in sorted(candidates, key=lambda c: -c[0]):
        if i not in used_f and j not in used_g:
            used_f.add(i)
            used_g.add(j)
            pairs.append((f, g))
    return pairs


def speaker_exact(found: str | None, gold: GoldClaim) -> bool:
    if not gold.speakers:
        return not found
    return bool(found) and _norm(found) in {_norm(s) for s in (*gold.speakers, gold.speaker_cover) if s}


def speaker_contained(found: str | None, gold: GoldClaim) -> bool:
    if not gold.speakers or not found:
        return not gold.speakers and not found
    f = _norm(found)
    return any(f in _norm(s) or _norm(s) in f for s in (*gold.speakers, gold.speaker_cover) if s)


def _locate(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Offsets of sentences found in order in the text (for an extractor whose claims carry none)."""
    nfc = unicodedata.normalize("NFC", text)
    pos, out = 0, []
    for sentence in sentences:
        i = nfc.find(sentence, pos)
        out.append((i, i + len(sentence)) if i >= 0 else (-1, -1))
        pos = i + len(sentence) if i >= 0 else pos
    return out


def found_claims(extractor, article: Article) -> list[Found]:
    statements = [c for c in extractor.statements(article.text, article.language) if c.is_claim]
    if statements and getattr(statements[0], "start", -1) < 0:  # an extractor from before offsets
        spans = _locate(article.text, [c.sentence for c in statements])
        return [Found(s, e, c.speaker) for (s, e), c in zip(spans, statements) if s >= 0]
    return [Found(c.start, c.end, c.speaker) for c in statements]


def score(extractor, articles: list[Article], errors: list[str] | None = None) -> dict:
    n_found = n_gold = tp = exact = contained = 0
    for article in articles:
        found = found_claims(extractor, article)
        pairs = match(found, article.claims)
        n_found, n_gold, tp = n_found + len(found), n_gold + len(article.claims), tp + len(pairs)
        for f, g in pairs:
            exact += speaker_exact(f.speaker, g)
            contained += speaker_contained(f.speaker, g)
            if errors is not None and not speaker_exact(f.speaker, g):
                errors.append(f"speaker {article.id}: want {list(g.speakers) or None}, got {f.speaker!r}: "
                              f"{article.text[g.start:g.end][:110]}")
        if errors is not None:
            got_f = {id(f) for f, _ in pairs}
            got_g = {id(g) for _, g in pairs}
            errors += [f"false positive {article.id}: {article.text[f.start:f.end][:140]}"
                       for f in found if id(f) not in got_f]
            errors += [f"missed {article.id}: {article.text[g.start:g.end][:140]}"
                       for g in article.claims if id(g) not in got_g]
    p = tp / n_found if n_found else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "speaker_exact": round(exact / tp, 3) if tp else 0.0,
            "speaker_contained": round(contained / tp, 3) if tp else 0.0,
            "claims_labelled": n_gold, "claims_found": n_found, "articles": len(articles)}


def pysbd_splitter() -> Callable[[str, str | None], list[tuple[int, int]]]:
    """pysbd (rule-based, Golden Rules) as a `newswatch.claims.sentences.Splitter`."""
    import pysbd

    segmenters: dict[str, object] = {}

    def split(paragraph: str, language: str | None) -> list[tuple[int, int]]:
        lang = language if language in ("hi", "en") else "en"
        seg = segmenters.setdefault(lang, pysbd.Segmenter(language=lang, clean=False, char_span=True))
        spans = []
        for piece in seg.segment(paragraph):
            raw = paragraph[piece.start:piece.end]
            lead, trail = len(raw) - len(raw.lstrip()), len(raw) - len(raw.rstrip())
            if raw.strip():
                spans.append((piece.start + lead, piece.end - trail))
        return spans

    return split


def boundary_figures(splitter, articles: list[Article]) -> dict:
    """Sentence-boundary P/R/F1 on the labelled claim sentences (see the module's docstring)."""
    from newswatch.claims.sentences import sentence_spans

    tp = fn = fp = 0
    for article in articles:
        spans = sentence_spans(article.text, article.language, splitter)
        starts = {s.start for s in spans}
        ends = {s.end for s in spans}
        inner = sorted(starts | ends)
        for g in article.claims:
            before = article.text[:g.start].rstrip(" \t")
            if not before or before[-1] in _SENTENCE_END or before.endswith("\n"):
                tp, fn = (tp + 1, fn) if g.start in starts else (tp, fn + 1)
            if article.text[g.end - 1:g.end] in _SENTENCE_END:
                tp, fn = (tp + 1, fn) if g.end in ends else (tp, fn + 1)
            fp += sum(1 for b in inner if g.start < b < g.end and article.text[b - 1:b + 1].strip())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def number_parser_values(text: str, language: str) -> list[float]:
    """number-parser's reading of a text: its words turned into digits, then the digits read (its
    output keeps "1.2 million" as "1.2 1000000": both values are taken, as a caller would get them)."""
    from number_parser import parse

    out = []
    for token in regex.findall(r"\p{N}+(?:[.,]\p{N}+)*", parse(text, language=language if language in ("hi", "en") else "en")):
        digits = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in token).replace(",", "")
        try:
            out.append(float(digits))
        except ValueError:
            continue
    return out


def number_figures(pairs: list[tuple]) -> dict:
    """Number words read by claims.quantities and by number-parser, judged on labelled claim pairs
    (text_a, lang_a, text_b, lang_b, same, kind, ...): a changed-number pair is read right when the
    sides' values conflict (neither side's values are all among the other's), a same pair whose
    sides state numbers when they do not (one side may add a number the other leaves out)."""
    from newswatch.claims.quantities import values

    readers = {"newswatch": lambda text, lang: values(text)}
    try:
        import number_parser  # noqa: F401

        readers["number_parser"] = number_parser_values
    except ImportError:
        pass
    figures = {}
    for name, read in readers.items():
        ok = {"changed_number": [0, 0], "same_with_numbers": [0, 0]}
        for text_a, lang_a, text_b, lang_b, same, kind, *_ in pairs:
            a, b = Counter(read(text_a, lang_a)), Counter(read(text_b, lang_b))
            agree = not (a - b) or not (b - a)
            if kind == "changed-number":
                ok["changed_number"][0] += not agree
                ok["changed_number"][1] += 1
            elif same and (a or b):
                ok["same_with_numbers"][0] += agree
                ok["same_with_numbers"][1] += 1
        figures[name] = {k: {"right": r, "pairs": n, "share": round(r / n, 3) if n else None} for k, (r, n) in ok.items()}
    return figures


def _parts(articles: list[Article]) -> dict[str, list[Article]]:
    parts = {}
    for split in ("tuned", "heldout"):
        chosen = [a for a in articles if a.heldout == (split == "heldout")]
        parts[split] = chosen
        for language in ("hi", "en"):
            parts[f"{split}_{language}"] = [a for a in chosen if a.language == language]
    return parts


def extraction_figures(articles: list[Article] | None = None, *, topic=None, compare_pysbd: bool = True,
                       compare_numbers: bool = True, errors: dict[str, list[str]] | None = None) -> dict:
    """Extraction figures on the dev set: {"tuned": {...}, "heldout": {...}, "tuned_hi": ..., ...,
    "sentences": {"newswatch": {...}, "pysbd": {...}}, "numbers": {...}, "claims_per_s": ...}. `errors`, when given,
    collects the misses, false positives and wrong speakers per part (for tuning: read "tuned" only)."""
    from newswatch.claims import ClaimExtractor
    from newswatch.config import load_topic

    devset = None
    if articles is None:
        from newswatch.devsets import claims as claims_devset

        devset = claims_devset.load()
        articles = load_articles(devset)
    topic = topic or load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
    extractor = ClaimExtractor(topic)
    figures: dict = {}
    for name, part in _parts(articles).items():
        figures[name] = score(extractor, part, errors.setdefault(name, []) if errors is not None else None)
    start = time.perf_counter()
    n = sum(len(extractor.extract(a.text, a.language)) for a in articles)
    figures["claims_per_s"] = round(n / max(time.perf_counter() - start, 1e-9), 1)
    splitters = {"newswatch": None}
    if compare_pysbd:
        try:
            splitters["pysbd"] = pysbd_splitter()
        except ImportError:
            figures["sentences_note"] = "pysbd not installed: no comparison"
    figures["sentences"] = {}
    for name, splitter in splitters.items():
        with_splitter = ClaimExtractor(topic, splitter=splitter)
        figures["sentences"][name] = {
            "boundaries_tuned": boundary_figures(splitter, [a for a in articles if not a.heldout]),
            "boundaries_heldout": boundary_figures(splitter, [a for a in articles if a.heldout]),
            "claims_tuned_f1": score(with_splitter, [a for a in articles if not a.heldout])["f1"],
            "claims_heldout_f1": score(with_splitter, [a for a in articles if a.heldout])["f1"],
        }
    if devset is not None and compare_numbers:
        pairs = load_pairs(devset)
        figures["numbers"] = {"tuned": number_figures([p for p in pairs if not p[6]]),
                              "heldout": number_figures([p for p in pairs if p[6]])}
    return figures


def baseline_figures(rev: str) -> dict:
    """The same extraction figures for the claims code of an earlier commit (the "before"): its
    `include/newswatch` is unpacked from git into a temporary folder, with today's dev-set loader,
    and scored in a subprocess that imports it first."""
    import json
    import shutil
    import subprocess
    import tarfile
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "include/newswatch"],
                                 capture_output=True, check=True).stdout
        with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        # today's loader is the package newswatch/devsets/, which wins over an older devsets.py beside it
        shutil.copytree(ROOT / "include" / "newswatch" / "devsets", Path(tmp) / "include" / "newswatch" / "devsets",
                        dirs_exist_ok=True)
        code = (f"import sys, json; sys.path.insert(0, {str(Path(tmp) / 'include')!r}); "
                f"sys.path.insert(1, {str(Path(__file__).resolve().parent)!r}); "
                "import claims_extract_eval as ev; from newswatch.claims import ClaimExtractor; "
                "from newswatch.config import load_topic; "
                f"ex = ClaimExtractor(load_topic({str(ROOT / 'include' / 'topics' / 'russia_north_korea.yaml')!r})); "
                "from newswatch.devsets import claims as claims_devset; "
                f"ds = claims_devset.load({str(ROOT / 'tests' / 'fixtures' / 'realtext' / 'claims')!r}); "
                "print(json.dumps({n: ev.score(ex, p) for n, p in ev._parts(ev.load_articles(ds)).items()}))")
        from newswatch.devsets import realtext_home

        env = {**os.environ, "NEWSWATCH_REALTEXT": str(realtext_home())}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="(the evaluation takes seconds either way)")
    parser.add_argument("--errors", choices=("tuned", "heldout", "tuned_hi", "tuned_en"),
                        help="print that part's misses, false positives and wrong speakers to stderr")
    parser.add_argument("--no-pysbd", action="store_true", help="skip the pysbd comparison")
    parser.add_argument("--before", metavar="REV", help="also score the claims code of that commit (e.g. 21fd52f)")
    args = parser.parse_args()
    errors: dict[str, list[str]] | None = {} if args.errors else None
    figures = extraction_figures(compare_pysbd=not args.no_pysbd, errors=errors)
    if args.before:
        figures.update({f"before_{k}": v for k, v in baseline_figures(args.before).items()})
    if errors is not None:
        print("\n".join(errors[args.errors]), file=sys.stderr)
    flat = {}
    for key, value in figures.items():
        if isinstance(value, dict) and key not in ("sentences", "numbers"):
            flat.update({f"{key}_{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    report(flat)


if __name__ == "__main__":
    main()
