"""Scoring on the labelled real publisher pages (tests/fixtures/realpages/), for bench/extract.py.

Per set (hi, en) and split (tune = in-sample, heldout), ours (`extract_article`) against plain
trafilatura (`bare_extraction(html, url=..., with_metadata=True)`) on the same pages:

  title      exact, after whitespace collapsing and NFC
  authors    set equality (trafilatura's `author` split on ";")
  published  the day in the publisher's time zone (ours: published_at converted to the page's `tz`;
             trafilatura: its `date` string); a page labelled null is right only when nothing is given
  language   the ISO 639-1 code
  all4       title, authors, published and language all right on the page
  body       token precision / recall / F1 (multiset overlap of newswatch.text.normalize.tokens), micro over
             the pages, and the mean of per-page F1 (macro)
  paywalled  pages ours judges paywalled/teaser that are labelled as holding the whole text
  time       ms per page for each tool, both run on each page back to back (alternating which goes first,
             so a busy machine slows both alike), over 1 + repeat passes; and ours / trafilatura

Only the fields a set labels are scored (the English benchmark labels only the body).
"""

from __future__ import annotations

import time
import unicodedata
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
SETS = {"hi": ROOT / "tests/fixtures/realpages/hi/sources.yaml", "en": ROOT / "tests/fixtures/realpages/en/sources.yaml"}
FIELDS = ("title", "authors", "published", "language")


def _norm(value: object) -> str:
    return unicodedata.normalize("NFC", " ".join(str(value or "").split()))


def _day(value: object, tz: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(tz)).date() if value.tzinfo else value.date()
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _prf(ov: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = ov / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = ov / n_gold if n_gold else (1.0 if not n_pred else 0.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _ours(page, fn, now):
    got = fn(page.html, page.url, "text/html; charset=utf-8", now=now, site_tz=page.tz) if _accepts_tz(fn) \
        else fn(page.html, page.url, "text/html; charset=utf-8", now=now)
    return {"title": got.title, "authors": list(got.authors), "published": got.published_at,
            "language": got.language, "text": got.text, "paywalled": bool(got.is_paywalled)}


def _accepts_tz(fn) -> bool:
    import inspect

    return "site_tz" in inspect.signature(fn).parameters


def _trafilatura(page, trafilatura):
    doc = trafilatura.bare_extraction(page.html.decode("utf-8", "replace"), url=page.url, with_metadata=True)
    get = (lambda k: None) if doc is None else (lambda k: getattr(doc, k, None))
    author = get("author")
    return {"title": get("title"), "authors": [a.strip() for a in author.split(";") if a.strip()] if author else [],
            "published": get("date"), "language": get("language"), "text": get("text") or "", "paywalled": False}


def _score(page, view, tokens) -> dict:
    out: dict = {"id": page.id, "split": page.split, "publisher": page.publisher, "fields": {}}
    if page.title is not None:
        out["fields"]["title"] = _norm(view["title"]) == _norm(page.title)
    if page.authors is not None:
        out["fields"]["authors"] = {_norm(a) for a in view["authors"] if _norm(a)} == {_norm(a) for a in page.authors}
    if page.has_published:
        out["fields"]["published"] = _day(view["published"], page.tz) == page.published
    if page.language:
        out["fields"]["language"] = view["language"] == page.language
    p, g = Counter(tokens(view["text"] or "")), Counter(tokens(page.body))
    out["overlap"], out["n_pred"], out["n_gold"] = sum((p & g).values()), sum(p.values()), sum(g.values())
    out["f1"] = _prf(out["overlap"], out["n_pred"], out["n_gold"])[2]
    out["false_paywall"] = bool(view["paywalled"]) and page.paywalled is False
    return out


def _summary(rows: list[dict]) -> dict:
    if not rows:
        return {"pages": 0}
    ov = sum(r["overlap"] for r in rows)
    p, r, f1 = _prf(ov, sum(x["n_pred"] for x in rows), sum(x["n_gold"] for x in rows))
    out = {"pages": len(rows), "precision": round(p, 4), "recall": round(r, 4), "f1_micro": round(f1, 4),
           "f1_macro": round(sum(x["f1"] for x in rows) / len(rows), 4)}
    for name in FIELDS:
        scored = [x["fields"][name] for x in rows if name in x["fields"]]
        if scored:
            out[name] = f"{sum(scored)}/{len(scored)}"
    if all(all(f in x["fields"] for f in FIELDS) for x in rows):
        out["all4"] = f"{sum(all(x['fields'][f] for f in FIELDS) for x in rows)}/{len(rows)}"
    out["false_paywall"] = sum(x["false_paywall"] for x in rows)
    return out


def run(repeat: int, now, log) -> dict:
    """Figures for every set whose local folder is filled; {} when none is."""
    import trafilatura
    from newswatch.devsets.realpages import load_pages
    from newswatch.extract.article import extract_article
    from newswatch.text.normalize import tokens

    figures: dict = {}
    for lang, manifest in SETS.items():
        pages = load_pages(manifest)
        if not pages:
            log(f"real pages ({lang}): local folder empty; fill it with newswatch devset fill {manifest.relative_to(ROOT)}")
            continue
        tools = {"newswatch": lambda pg: _ours(pg, extract_article, now),
                 "trafilatura": lambda pg: _trafilatura(pg, trafilatura)}
        result: dict = {}
        elapsed = {name: 0.0 for name in tools}
        rows: dict[str, list[dict]] = {name: [] for name in tools}
        errors: dict[str, dict[str, str]] = {name: {} for name in tools}
        for call in tools.values():
            call(pages[0])  # warm-up (imports, lazy models), not timed
        # Both tools on the same page back to back, in alternating order: a busy machine slows both alike.
        for rep in range(1 + repeat):
            for i, page in enumerate(pages):
                order = list(tools) if (i + rep) % 2 == 0 else list(reversed(tools))
                for name in order:
                    started = time.perf_counter()
                    try:
                        view = tools[name](page)
                    except Exception as exc:  # noqa: BLE001 - a failing page scores zero, the run goes on
                        errors[name][page.id] = f"{type(exc).__name__}: {exc}"[:200]
                        view = {"title": None, "authors": [], "published": None, "language": None, "text": "",
                                "paywalled": False}
                    elapsed[name] += time.perf_counter() - started
                    if rep == 0:
                        rows[name].append(_score(page, view, tokens))
        calls = (1 + repeat) * len(pages)
        for name in tools:
            r = rows[name]
            result[name] = {"all": _summary(r), "tune": _summary([x for x in r if x["split"] == "tune"]),
                            "heldout": _summary([x for x in r if x["split"] == "heldout"]),
                            "by_publisher": {p: _summary([x for x in r if x["publisher"] == p])
                                             for p in sorted({x["publisher"] for x in r if x["publisher"]})},
                            "ms_per_page": round(1000 * elapsed[name] / calls, 2), "errors": errors[name],
                            "wrong_in_tune": {x["id"]: [f for f, ok in x["fields"].items() if not ok] for x in r
                                              if x["split"] == "tune" and not all(x["fields"].values())}}
        result["time_ratio"] = round(result["newswatch"]["ms_per_page"] / result["trafilatura"]["ms_per_page"], 2)
        figures[lang] = result
        _log(lang, result, log)
    return figures


def _log(lang: str, result: dict, log) -> None:
    log(f"\nreal pages ({lang}) — tune is in-sample, heldout was never tuned on")
    cols = ("pages", "title", "authors", "published", "language", "all4", "precision", "recall", "f1_micro",
            "f1_macro", "false_paywall")
    log("  " + f"{'':<26}" + "".join(f"{c:>11}" for c in cols))
    for tool in ("newswatch", "trafilatura"):
        for split in ("tune", "heldout", "all"):
            s = result[tool][split]
            log("  " + f"{tool + ' ' + split:<26}" + "".join(f"{str(s.get(c, '-')):>11}" for c in cols))
    log(f"  time: newswatch {result['newswatch']['ms_per_page']} ms/page, trafilatura "
        f"{result['trafilatura']['ms_per_page']} ms/page (ratio {result['time_ratio']})")
    for tool in ("newswatch", "trafilatura"):
        for page, err in result[tool]["errors"].items():
            log(f"  ERROR {tool} {page}: {err}")
