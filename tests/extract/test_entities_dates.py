"""Dates written in Hindi and English, and gazetteer entities shared across scripts."""

from datetime import datetime, timezone

import pytest
from conftest import ROOT
from newswatch.config import load_topic
from newswatch.extract.entities import EntityMatcher
from newswatch.text.dates import IST, find_dates

TOPIC = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")


@pytest.mark.parametrize("text, expected", [
    ("अपडेटेड: 20 नवंबर 2026, 10:30 AM IST", datetime(2026, 11, 20, 10, 30, tzinfo=IST)),
    ("प्रकाशित: २० नवम्बर २०२६", datetime(2026, 11, 20, tzinfo=IST)),  # Devanagari digits, other spelling
    ("सितंबर 2023? नहीं, 13 सितम्बर 2023 को", datetime(2023, 9, 13, tzinfo=IST)),
    ("Updated: November 20, 2026 3:15 pm", datetime(2026, 11, 20, 15, 15, tzinfo=IST)),
    ("Published 5 Dec 2026 08:00 GMT", datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)),
])
def test_dates_written_for_readers(text, expected):
    assert find_dates(text)[0] == expected


def test_impossible_dates_are_ignored():
    assert find_dates("31 फरवरी 2026 और 45 मार्च 2026") == []


def test_hindi_and_english_reports_of_one_event_share_entities():
    matcher = EntityMatcher(TOPIC.gazetteer)
    hindi = matcher.match("उत्तर कोरियाई नेता किम जोंग-उन ने व्लादिवोस्तोक में पुतिन से मुलाक़ात की। केसीएनए ने 150 अधिकारियों का ज़िक्र किया।")
    english = matcher.match("North Korean leader Kim Jong Un met Vladimir Putin in Vladivostok, KCNA said, naming 150 officials.")
    for kind in ("people", "places", "organisations", "numbers"):
        assert getattr(hindi, kind) == getattr(english, kind), kind
    assert hindi.people == ["kim_jong_un", "vladimir_putin"] and hindi.places == ["vladivostok"]
    assert hindi.numbers == ["150"]


def test_seeds_000_and_003_share_people_and_places():
    matcher = EntityMatcher(TOPIC.gazetteer)
    seeds = ROOT / "include" / "seed_corpus"
    first = matcher.match((seeds / "000_e56069da11864369.txt").read_text(encoding="utf-8"))
    third = matcher.match((seeds / "003_f084d162026dfd09.txt").read_text(encoding="utf-8"))
    assert {"kim_jong_un", "vladimir_putin"} <= set(first.people) & set(third.people)
    assert "vladivostok" in set(first.places) & set(third.places)
