"""The claims dev set (tests/fixtures/realtext/claims/): its label files are consistent and big enough
for what issue 12 asks; its offsets land on the texts when those are filled locally; and the loader
resolves a small set of our own through a real git snapshot, as `fetch` lays one out."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import regex
import yaml
from newswatch import devsets
from newswatch.devsets import claims as claims_devset

DEVANAGARI = regex.compile(r"\p{Devanagari}")
MANIFEST = claims_devset.DEFAULT_DIR / "sources.yaml"


@pytest.fixture(scope="module")
def labels() -> claims_devset.Labels:
    return claims_devset.read_labels()


def test_the_label_files_are_consistent(labels):
    assert claims_devset.problems(labels) == []
    assert len(labels.manifest.sources) == len(labels.articles)


def test_the_set_meets_the_issue_minimums(labels):
    arts = list(labels.articles.values())
    full = [a for a in arts if a.form == "article"]
    assert len(full) >= 40
    assert sum(a.language == "hi" for a in full) >= len(full) / 2
    assert sum("Russia" in a.meta["topic"] for a in arts) >= 10
    assert sum(len(a.claims) for a in arts) >= 400
    pairs = labels.pairs
    kinds = Counter(p.kind for p in pairs)
    outlet = {a.id: a.outlet for a in arts}
    across_outlets = sum(p.kind == "restatement" and p.b.article is not None
                         and outlet[p.a.article] != outlet[p.b.article] for p in pairs)
    assert len(pairs) >= 200
    assert across_outlets >= 40
    assert kinds["translation"] >= 40 and all(p.cross_lingual for p in pairs if p.kind == "translation")
    assert kinds["changed-number"] >= 25
    assert kinds["changed-polarity"] >= 25
    assert kinds["changed-modality"] >= 15
    assert kinds["other-speaker-confirms"] >= 15
    assert kinds["different-event"] >= 40
    for lang in claims_devset.LANGUAGES:  # each language takes part in at least 40% of the pairs
        assert sum(lang in (p.a_lang, p.b_lang) for p in pairs) >= 0.4 * len(pairs)


def test_about_a_third_is_held_out_by_event(labels):
    arts = list(labels.articles.values())
    held = claims_devset.heldout_events(a.event for a in arts)
    assert {a.event for a in arts if a.heldout} == held
    assert 0.25 <= sum(a.heldout for a in arts) / len(arts) <= 0.45
    assert 0.25 <= sum(p.heldout for p in labels.pairs) / len(labels.pairs) <= 0.45
    for pair in labels.pairs:  # a pair tuned on never reaches into a held-out event
        if not pair.heldout:
            assert all(labels.articles[s.article].event not in held for s in (pair.a, pair.b) if s.article)


@pytest.mark.realtext(MANIFEST)
def test_offsets_land_on_the_local_texts(labels):
    present = devsets.load(labels.manifest)
    devset = claims_devset.load()
    assert set(devset.articles) == set(present)
    for article in devset.articles.values():
        for claim in article.claims:
            span = claim.span.text
            assert span and span == span.strip(), (article.id, claim.id)
            assert bool(DEVANAGARI.search(span)) == (claim.language == "hi"), (article.id, claim.id)
            for speaker in claim.speakers:
                assert speaker.text and speaker.text == speaker.text.strip(), (article.id, claim.id)
            if claim.cue:
                assert claim.cue.text.strip(), (article.id, claim.id)
    if not devset.missing:
        assert len(devset.pairs) == len(labels.pairs)
    for pair in devset.pairs:
        for text, lang in ((pair.a_text, pair.a_lang), (pair.b_text, pair.b_lang)):
            assert text.strip() and bool(DEVANAGARI.search(text)) == (lang == "hi"), pair.id


# --- the loader on a set of our own (always runs) ---------------------------------------------

HI = "रक्षा मंत्रालय ने कहा कि अभ्यास सोमवार को होगा। मौसम साफ रहा।"
EN = "The ministry said the drill would take place on Monday. The weather was clear."


@pytest.fixture
def own_set(tmp_path: Path, monkeypatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "items.jsonl").write_text(json.dumps({"body": HI}, ensure_ascii=False) + "\n"
                                      + json.dumps({"body": EN}) + "\n", encoding="utf-8")
    git = ["git", "-C", str(work), "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "items"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    mirror = tmp_path / "mirror"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(mirror / "someone+news")], check=True)
    held = claims_devset.heldout_events(["drill-hi", "drill-en"])
    folder = tmp_path / "claims"
    folder.mkdir()
    hi_claim = HI.index("रक्षा"), HI.index("।") + 1
    en_claim = 0, EN.index(".") + 1
    sources = [
        {"id": "hi-1", "repo": "someone/news", "path": "items.jsonl", "commit": commit,
         "select": {"line": 1, "field": "body"}, "sha256": devsets.sha256_of(HI), "language": "hi",
         "outlet": "A", "event": "drill-hi", "form": "article", "topic": "drills", "heldout": "drill-hi" in held,
         "claims": [{"id": "c1", "span": list(hi_claim), "speakers": [[0, len("रक्षा मंत्रालय")]]}]},
        {"id": "en-1", "repo": "someone/news", "path": "items.jsonl", "commit": commit,
         "select": {"line": 2, "field": "body"}, "sha256": devsets.sha256_of(EN), "language": "en",
         "outlet": "B", "event": "drill-en", "form": "article", "topic": "drills", "heldout": "drill-en" in held,
         "claims": [{"id": "c1", "span": list(en_claim), "speakers": [[4, 12]], "cue": [13, 17]}]},
    ]
    (folder / "sources.yaml").write_text(yaml.safe_dump({"name": "claims-own", "sources": sources},
                                                        allow_unicode=True), encoding="utf-8")
    pairs = [
        {"id": "p1", "kind": "translation", "same": True, "heldout": bool(held),
         "a": {"article": "hi-1", "claim": "c1"}, "b": {"article": "en-1", "claim": "c1"}},
        {"id": "p2", "kind": "changed-number", "same": False, "heldout": "drill-en" in held,
         "a": {"article": "en-1", "claim": "c1"},
         "b": {"lang": "en", "from": "a", "text": "The ministry said the drill would take place on Monday, with 12 ships."}},
    ]
    (folder / "pairs.yaml").write_text(yaml.safe_dump({"pairs": pairs}, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("NEWSWATCH_REALTEXT", str(tmp_path / "local"))
    assert set(devsets.fill(devsets.read_manifest(folder / "sources.yaml"), mirror).values()) == {"ok"}
    return folder


def test_the_loader_resolves_offsets_to_strings(own_set):
    assert claims_devset.problems(claims_devset.read_labels(own_set)) == []
    devset = claims_devset.load(own_set, required=True)
    hi = devset.articles["hi-1"]
    assert hi.claims[0].span.text == "रक्षा मंत्रालय ने कहा कि अभ्यास सोमवार को होगा।"
    assert hi.claims[0].speakers[0].text == "रक्षा मंत्रालय" and hi.claims[0].language == "hi"
    en = devset.articles["en-1"]
    assert (en.claims[0].speakers[0].text, en.claims[0].cue.text) == ("ministry", "said")
    translation, edit = devset.pairs
    assert (translation.a_text, translation.b_text) == (hi.claims[0].span.text, en.claims[0].span.text)
    assert translation.cross_lingual and translation.same
    assert edit.b_text.endswith("12 ships.") and not edit.same and edit.b.article is None


def test_broken_labels_are_named(own_set):
    pairs_path = own_set / "pairs.yaml"
    raw = yaml.safe_load(pairs_path.read_text(encoding="utf-8"))
    raw["pairs"][0]["kind"] = "rephrased"
    raw["pairs"][1]["a"] = {"article": "en-1", "claim": "c9"}
    raw["pairs"][1]["heldout"] = not raw["pairs"][1]["heldout"]
    raw["pairs"].append({"id": "p1", "kind": "restatement", "same": False, "heldout": False,
                         "a": {"lang": "en", "text": "Ours."}, "b": {"article": "hi-1", "claim": "c1"}})
    pairs_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    found = "\n".join(claims_devset.problems(claims_devset.read_labels(own_set)))
    for expected in ("kind 'rephrased'", "no claim en-1/c9", "duplicate ids", "contradicts kind restatement",
                     "written side must be side b"):
        assert expected in found


def test_a_span_beyond_its_text_is_refused(own_set):
    sources_path = own_set / "sources.yaml"
    raw = yaml.safe_load(sources_path.read_text(encoding="utf-8"))
    raw["sources"][1]["claims"][0]["span"] = [0, len(EN) + 5]
    sources_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(devsets.DevsetError, match="beyond the text"):
        claims_devset.load(own_set)
