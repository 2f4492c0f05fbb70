"""Verification without a model: the facts a claim states (numbers with their units, polarity,
modality, antonymous predicates), Hindi and English, and what changed between two claims."""

import pytest
from newswatch.claims.numbers import quantities
from newswatch.claims.verification import CONFIRMS, CONTRADICTS, NEW, RESTATES, UPDATE, categorize, compare, facts


def _values(text: str, language: str) -> list[float]:
    return [q.value for q in quantities(text, language)]


@pytest.mark.parametrize("text, language, values", [
    ("Three soldiers were wounded.", "en", [3]),
    ("Thirteen soldiers were wounded.", "en", [13]),
    ("Two hundred and fifty tanks", "en", [250]),
    ("about 3.5 million shells", "en", [3_500_000]),
    ("4,512 cases in 48 hours", "en", [4512, 48]),
    ("करीब चालीस हजार सैनिक", "hi", [40_000]),
    ("चार हजार सैनिक", "hi", [4000]),
    ("तीन सैनिक और तीस सैनिक", "hi", [3, 30]),
    ("साढ़े तीन लाख गोले", "hi", [350_000]),
    ("डेढ़ लाख लोग", "hi", [150_000]),
    ("२ करोड़ डॉलर", "hi", [20_000_000]),
    ("1,50,000 लोग", "hi", [150_000]),
    ("एक नए समझौते पर", "hi", []),  # an article, not a count
])
def test_numbers_digits_words_and_scales(text, language, values):
    assert _values(text, language) == values


def test_a_percentage_and_a_date_have_their_own_units():
    [pct] = quantities("उत्पादन 30 फीसदी बढ़ेगा", "hi")
    assert (pct.value, pct.unit) == (30, "%")
    [date] = quantities("जॉन किर्बी ने 30 अगस्त को कहा", "hi")
    assert date.unit == "date"


@pytest.mark.parametrize("known, new, language, changed", [
    ("The army said three soldiers were wounded.", "The army said thirteen soldiers were wounded.", "en", "thirteen, was three"),
    ("अधिकारियों ने बताया कि करीब चालीस हजार सैनिक तैनात हैं।", "अधिकारियों ने बताया कि करीब चार हजार सैनिक तैनात हैं।", "hi",
     "चार हजार, was चालीस हजार"),
    # a shared incidental number does not hide the changed one
    ("Officials said 4,512 cases were recorded in 48 hours.", "Officials said 3,512 cases were recorded in 48 hours.", "en",
     "3,512, was 4,512"),
])
def test_a_changed_number_is_named(known, new, language, changed):
    change = compare(facts(known, language), facts(new, language), known, new)
    assert change.describe() == changed and not change.contradicts


def test_numbers_across_languages_pair_up():
    change = compare(facts("Officials said the strike killed two people.", "en"),
                     facts("अधिकारियों ने कहा कि हमले में बारह लोग मारे गए।", "hi"))
    assert [(n.value, w.value) for n, w in change.numbers] == [(12, 2)]


@pytest.mark.parametrize("known, kl, new, nl", [
    ("Ukraine said North Korean troops are fighting in Kursk.", "en",
     "Moscow denied that North Korean troops are fighting in Kursk.", "en"),
    ("दक्षिण कोरिया ने दावा किया कि रूस ने उत्तर कोरिया को वायु रक्षा प्रणाली भेजी है।", "hi",
     "रूस ने इस दावे का खंडन किया कि उसने उत्तर कोरिया को वायु रक्षा प्रणाली भेजी है।", "hi"),
    ("अमेरिका ने कहा कि उत्तर कोरिया रूस को मिसाइलें दे रहा है।", "hi",
     "उत्तर कोरिया ने कहा कि वह रूस को मिसाइलें नहीं दे रहा है।", "hi"),
    ("Reports said Russian engineers are working at the drone factory.", "en",
     "रूस ने उन खबरों को नकारा कि रूसी इंजीनियर ड्रोन फैक्टरी में काम कर रहे हैं।", "hi"),
])
def test_a_denial_contradicts(known, kl, new, nl):
    change = compare(facts(known, kl), facts(new, nl))
    assert change.polarity == "denies" and change.contradicts
    assert categorize(0.95, change, 0.92, speakers_differ=True) == CONTRADICTS


@pytest.mark.parametrize("known, kl, new, nl, words", [
    ("The company plans to raise output by 30% next year.", "en", "The company plans to cut output by 30% next year.", "en",
     "cut, was raise"),
    ("मंत्रालय ने कहा कि रूस तेल आयात बढ़ाएगा।", "hi", "मंत्रालय ने कहा कि रूस तेल आयात घटाएगा।", "hi", "घटाएगा, was बढाएगा"),
    ("अधिकारियों ने कहा कि दोनों देश सैन्य सहयोग बढ़ाएंगे।", "hi", "Officials said the two countries would reduce military cooperation.",
     "en", "reduce, was बढाएंगे"),
])
def test_antonymous_predicates_are_a_reversal(known, kl, new, nl, words):
    change = compare(facts(known, kl), facts(new, nl), known, new)
    assert change.describe() == words and change.contradicts


@pytest.mark.parametrize("known, new, language", [
    ("Officials said Russia and North Korea will sign a defence pact.", "Officials said Russia and North Korea signed a defence pact.", "en"),
    ("अधिकारियों ने कहा कि दोनों देश रक्षा समझौते पर हस्ताक्षर करेंगे।", "अधिकारियों ने कहा कि दोनों देशों ने रक्षा समझौते पर हस्ताक्षर कर दिए हैं।", "hi"),
])
def test_what_was_planned_and_is_now_done_is_an_update(known, new, language):
    change = compare(facts(known, language), facts(new, language))
    assert change.modality == "now reported done, was expected"
    assert categorize(0.97, change, 0.92, speakers_differ=False) == UPDATE


def test_categories_without_a_change():
    same = compare(facts("The Kremlin said the talks will be held in Vladivostok.", "en"),
                   facts("Talks will be held in Vladivostok, the Kremlin said.", "en"))
    assert not same.conflicts
    assert categorize(0.97, same, 0.92, speakers_differ=False) == RESTATES
    assert categorize(0.97, same, 0.92, speakers_differ=None) == RESTATES
    assert categorize(0.97, same, 0.92, speakers_differ=True) == CONFIRMS
    assert categorize(0.80, same, 0.92, speakers_differ=True) == NEW


@pytest.mark.parametrize("a, b, same", [
    ("North Korean leader", "Kim", None),  # a role with no name may be the named speaker
    ("the country's state news agency", "North Korea state media", None),
    ("a defence analyst in Tokyo", "Professor Lee", None),
    ("Kim Jong Un", "Kim", True),
    ("Kremlin spokesperson", "Pyongyang's foreign ministry", False),  # named institutions: two sources
    ("two federal law enforcement officials", "Feinstein", False),  # officials are not one named person
    ("Japan's Ministry of Defense", "South Korea's military", False),
    ("Sergei Lavrov", "Dmitry Peskov", False),
])
def test_a_role_without_a_name_is_an_unknown_speaker_not_another_source(a, b, same):
    from newswatch.claims.verification import same_speaker

    assert same_speaker(a, b) is same
    assert same_speaker(b, a) is same


def test_due_to_a_cause_is_no_plan():
    assert not facts("Flights were cancelled due to the storm, officials said.", "en").modal
    assert facts("The minister is due to arrive in Moscow on Monday.", "en").modal


@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
def test_contractions_with_either_apostrophe_are_read(apostrophe):
    """News copy writes wasn’t / we’ll with a typographic apostrophe, which splits the word in two:
    the negation and the future are read all the same."""
    assert facts(f"The group wasn{apostrophe}t yet defeated, he said.", "en").negated
    assert facts(f"They don{apostrophe}t agree.", "en").negated
    assert facts(f"We{apostrophe}ll send more troops.", "en").modal
    assert not facts("The group was defeated, he said.", "en").negated
    change = compare(facts("ISIS was defeated in Syria.", "en"), facts("ISIS wasn\u2019t defeated in Syria.", "en"))
    assert change.polarity
