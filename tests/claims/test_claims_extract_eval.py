"""The extraction evaluation (bench/claims_extract_eval.py) counts what its docstring says, on
articles we write here (CI has no real texts): spans matched by half the longer one, speakers
exact or contained, sentence boundaries, and number readings on pairs."""

from __future__ import annotations

import sys

from conftest import ROOT
from newswatch.claims import ClaimExtractor

sys.path.insert(0, str(ROOT / "bench"))
import claims_extract_eval as ev  # noqa: E402

TEXT = ("The ministry said the border was calm. Two boats sank on Monday.\n"
        "Kim Yo Jong said: \"We will respond. We are ready.\" Analysts were not sure.")


def gold(start: int, end: int, *speakers: str) -> ev.GoldClaim:
    return ev.GoldClaim(start, end, speakers, None)


def article() -> ev.Article:
    def span(sentence: str) -> tuple[int, int]:
        i = TEXT.index(sentence)
        return i, i + len(sentence)

    claims = (gold(*span("The ministry said the border was calm."), "ministry"),
              gold(*span('Kim Yo Jong said: "We will respond.'), "Kim Yo Jong"),
              gold(*span('We are ready."'), "Kim Yo Jong"),
              gold(*span("Analysts were not sure."), "Analysts"))  # labelled, and the extractor misses it
    return ev.Article("a", "en", False, TEXT, claims)


def test_score_counts_matches_misses_and_speakers():
    errors: list[str] = []
    figures = ev.score(ClaimExtractor(), [article()], errors)
    assert (figures["claims_found"], figures["claims_labelled"]) == (3, 4)
    assert (figures["precision"], figures["recall"]) == (1.0, 0.75)
    assert figures["speaker_exact"] == 1.0
    assert any(e.startswith("missed a: Analysts were not sure.") for e in errors)


def test_spans_match_by_half_the_longer_one_and_once():
    found = [ev.Found(0, 10, None), ev.Found(0, 4, None)]
    assert len(ev.match(found, [gold(0, 12)])) == 1  # one to one
    assert ev.match([ev.Found(0, 5, None)], [gold(0, 12)]) == []  # 5 of 12: too little


def test_speakers_exact_contained_and_several():
    g = ev.GoldClaim(0, 1, ("Russia", "North Korea"), "Russia and North Korea")
    assert ev.speaker_exact("Russia and North Korea", g) and ev.speaker_exact("the Russia", gold(0, 1, "Russia"))
    assert not ev.speaker_exact("Russian officials", gold(0, 1, "Russia"))
    assert ev.speaker_contained("Russian officials", gold(0, 1, "officials"))
    assert ev.speaker_exact(None, gold(0, 1)) and not ev.speaker_exact("Seoul", gold(0, 1))


def test_boundaries_of_labelled_sentences():
    figures = ev.boundary_figures(None, [article()])
    assert figures == {"precision": 1.0, "recall": 1.0, "f1": 1.0}

    def one_sentence_per_line(paragraph: str, language: str | None) -> list[tuple[int, int]]:
        return [(0, len(paragraph))]

    worse = ev.boundary_figures(one_sentence_per_line, [article()])
    assert worse["precision"] == 1.0 and worse["recall"] < 1.0


def test_number_readings_on_pairs():
    pairs = [("Three soldiers were hurt.", "en", "Thirteen soldiers were hurt.", "en", False, "changed-number"),
             ("करीब चालीस हजार सैनिक", "hi", "About 40,000 troops", "en", True, "translation"),
             ("4,512 cases in 48 hours", "en", "4,512 cases", "en", True, "restatement")]
    figures = ev.number_figures(pairs)["newswatch"]
    assert figures["changed_number"] == {"right": 1, "pairs": 1, "share": 1.0}
    assert figures["same_with_numbers"] == {"right": 2, "pairs": 2, "share": 1.0}
