"""Quantities a claim states (newswatch.claims.quantities): digits, Devanagari digits, English and
Hindi number words and scales, Hindi fractions, percentages and units, in sentences we wrote in the
shapes of issue 12's changed-number pairs (three / thirteen, चालीस हजार / चार हजार)."""

from __future__ import annotations

import pytest
from newswatch.claims.quantities import quantities, values


@pytest.mark.parametrize(("text", "expected"), [
    ("Three soldiers were wounded.", [3]),
    ("Thirteen soldiers were wounded.", [13]),
    ("Two ships and twelve planes were seen.", [2, 12]),
    ("Some twenty-five thousand troops crossed.", [25_000]),
    ("one hundred and five people were hurt", [105]),
    ("Russia fired 1.2 million shells.", [1_200_000]),
    ("half a million people fled", [500_000]),
    ("4,512 cases in 48 hours", [4512, 48]),
    ("10 lakh doses and 3 crore rupees", [1_000_000, 30_000_000]),
    ("करीब चालीस हजार सैनिक", [40_000]),
    ("करीब चार हजार सैनिक", [4000]),
    ("तीन सैनिक घायल हुए और तीस लापता हैं", [3, 30]),
    ("पांच करोड़ डॉलर", [50_000_000]),
    ("पाँच करोड डॉलर", [50_000_000]),
    ("साढ़े तीन हजार लोग", [3500]),
    ("डेढ़ लाख रुपये", [150_000]),
    ("सवा सौ गाड़ियां", [125]),
    ("१२,००० सैनिक", [12_000]),
    ("1,00,000 लोग", [100_000]),
    ("बाईस लोग और निन्यानवे गाड़ियां", [22, 99]),
])
def test_values(text, expected):
    assert values(text) == expected


def test_articles_and_dates_are_no_quantities():
    assert values("एक अधिकारी ने कहा कि बातचीत होगी") == []
    assert values("one of the officials said") == []
    assert values("the meeting on 12.09.2023 went well") == []
    assert values("एक लाख लोग") == [100_000]


def test_units_percentages_and_offsets():
    text = "Output will rise by 30% and 4,000 troops will stay; हजारों सैनिक लौटेंगे, 12 प्रतिशत कम।"
    found = quantities(text)
    assert [(q.value, q.unit, q.approximate) for q in found] == [
        (30, "%", False), (4000, "troops", False), (1000, "सैनिक", True), (12, "%", False)]
    assert [text[q.start:q.end] for q in found] == ["30%", "4,000", "हजारों", "12 प्रतिशत"]
    assert quantities("tens of thousands of troops")[0].unit == "troops"
