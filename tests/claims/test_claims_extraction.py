"""Claim extraction on sentences we wrote in the shapes real Hindi and English news showed
(issue 12): every cue family of the lexicon, quotations attributed before, after and across
sentences and paragraphs, speakers that are noun phrases, pronouns and short references resolved
to the last compatible speaker, and the sentences that must not be claims."""

from __future__ import annotations

import pytest
from newswatch.claims import ClaimExtractor, extract_claims, languages, lexicon
from newswatch.claims.lexicon import LexiconError, _build

EXTRACTOR = ClaimExtractor()


def claims(text: str, language: str | None = None) -> list[tuple[str | None, str | None]]:
    return [(c.cue, c.speaker) for c in EXTRACTOR.extract(text, language)]


def speakers(text: str, language: str | None = None) -> list[str | None]:
    return [c.speaker for c in EXTRACTOR.extract(text, language)]


# One sentence per cue family: the cue is found and the speaker is the phrase it names.
@pytest.mark.parametrize(("sentence", "cue", "speaker"), [
    ("North Korea's foreign ministry revealed that the satellite carried a camera.", "revealed",
     "North Korea's foreign ministry"),
    ("Senator Jane Roe tweeted that the sanctions were failing.", "tweeted", "Senator Jane Roe"),
    ("The Japanese government urged Pyongyang to stop the launches.", "urged", "Japanese government"),
    ("Seoul's defence ministry warned of a seventh nuclear test.", "warned", "Seoul's defence ministry"),
    ("The Kremlin ruled out any talks with Kyiv this year.", "ruled out", "Kremlin"),
    ("Kim Yo Jong hinted at a new launch in a statement.", "hinted", "Kim Yo Jong"),
    ("Yonhap reports the missile flew 800 km before landing at sea.", "reported", "Yonhap"),
    ("The general acknowledged that supplies were running short.", "noted", "general"),
    ("President Lee vowed to respond to any provocation.", "vowed", "President Lee"),
    ("Moscow pledged to deliver the grain by spring.", "vowed", "Moscow"),
    ("Defence Minister Alan Smith insisted the drills were routine.", "insisted", "Defence Minister Alan Smith"),
    ("Western intelligence signalled that more troops could follow.", "hinted", "Western intelligence"),
    ("Ukraine accused Russia of using North Korean shells.", "alleged", "Ukraine"),
    ("Seoul's spy agency estimated that 12,000 soldiers had been sent.", "estimated", "Seoul's spy agency"),
    ("Analysts at the Asan Institute predicted a rise in arms trade.", "predicted", "Analysts at the Asan Institute"),
    ("The Pentagon denied that its drones had crossed the border.", "denied", "Pentagon"),
    ("The ministry added that the shipment left on Monday.", "added", "ministry"),
    ("North Korea reportedly shipped artillery shells by rail.", "reportedly", None),
    ("According to the agency, the ship docked at Rajin.", "according to", "agency"),
])
def test_english_cue_families(sentence, cue, speaker):
    assert claims(sentence, "en") == [(cue, speaker)]


@pytest.mark.parametrize(("sentence", "cue", "speaker"), [
    ("रूसी रक्षा मंत्रालय ने दोहराया कि अभ्यास तय समय पर होगा।", "दोहराया", "रूसी रक्षा मंत्रालय"),
    ("सेना प्रमुख ने माना कि सीमा पर तनाव बढ़ा है।", "माना", "सेना प्रमुख"),
    ("मौसम विभाग का अनुमान है कि अगले हफ्ते भारी बारिश होगी।", "अनुमान", "मौसम विभाग"),
    ("रिपोर्ट में कहा गया है कि निर्यात में गिरावट आई।", "कहा", None),
    ("मंत्रालय के बयान में कहा गया, ''हम हर कदम उठाएंगे।''", "कहा", "मंत्रालय"),
    ("स्वास्थ्य मंत्री ने स्वीकार किया कि अस्पतालों में बिस्तर कम हैं।", "स्वीकार", "स्वास्थ्य मंत्री"),
    ("विदेश मंत्रालय ने आगाह किया कि हालात बिगड़ सकते हैं।", "चेतावनी", "विदेश मंत्रालय"),
    ("प्रधानमंत्री ने जोर देकर कहा कि बातचीत ही रास्ता है।", "जोर देकर", "प्रधानमंत्री"),
    ("विपक्षी नेता ने दावा किया कि चुनाव में धांधली हुई।", "दावा", "विपक्षी नेता"),
    ("जांच एजेंसी ने खुलासा किया कि रकम विदेश भेजी गई।", "खुलासा", "जांच एजेंसी"),
    ("राज्य सरकार ने घोषणा की कि स्कूल सोमवार से खुलेंगे।", "घोषणा", "राज्य सरकार"),
    ("दक्षिण कोरिया की खुफिया एजेंसी के मुताबिक सैनिक कुर्स्क पहुंच चुके हैं।", "के अनुसार",
     "दक्षिण कोरिया की खुफिया एजेंसी"),
    ("पुलिस अधीक्षक ने बताया कि तीन आरोपी पकड़े गए।", "बताया", "पुलिस अधीक्षक"),
    ("अमेरिकी विदेश मंत्री का कहना है कि प्रतिबंध जारी रहेंगे।", "कहा", "अमेरिकी विदेश मंत्री"),
    ("किसान संगठनों ने सरकार से कर्ज माफी की अपील की कि फसल बर्बाद हो चुकी है।", "अपील", "किसान संगठनों"),
    ("क्रेमलिन ने इन आरोपों का खंडन किया।", "इनकार", "क्रेमलिन"),
    ("बताया जा रहा है कि काफिला सीमा पार कर गया।", "कहा", None),
    ("विशेषज्ञ राम वर्मा ने चिंता जताई कि बांध कमजोर है।", "जताया", "विशेषज्ञ राम वर्मा"),
])
def test_hindi_cue_families(sentence, cue, speaker):
    assert claims(sentence, "hi") == [(cue, speaker)]


def test_iske_anusar_takes_the_source_named_before():
    text = ("स्वास्थ्य विभाग ने मंगलवार को अपनी रिपोर्ट जारी की। इसके अनुसार जिले में 40 नए मामले आए।")
    # the first sentence only narrates; "इसके अनुसार" points back at the department
    assert claims(text, "hi") == [("इसके अनुसार", "स्वास्थ्य विभाग")]


# The sentences that must not be claims (the guide's "not claims").
@pytest.mark.parametrize(("text", "language"), [
    ("Gold added 0.1% to $2,310 an ounce, while the dollar index added 0.2 points.", "en"),
    ("The ministry declined to say whether the troops had crossed the border.", "en"),
    ("Russia and North Korea have not responded to requests for comment.", "en"),
    ("The report did not mention the shipments.", "en"),
    ("The spokesman did not comment on the visit.", "en"),
    ("The talks are expected to resume next week.", "en"),
    ("राज्य में 512 नए मामलों की पुष्टि हुई है।", "hi"),
    ("जिले में अब तक 40 मौतों की पुष्टि हो चुकी है।", "hi"),
    ("माना जा रहा है कि बैठक अगले महीने होगी।", "hi"),
    ("रूस और उत्तर कोरिया ने इन खबरों पर कोई प्रतिक्रिया नहीं दी है।", "hi"),
    ("विदेश मंत्रालय के प्रवक्ता ने इस पर टिप्पणी करने से इनकार कर दिया।", "hi"),
    ("पुतिन ने किम को रॉकेट के बारे में विस्तार से बताया।", "hi"),
    ("दोनों नेताओं ने व्यापार पर बातचीत की।", "hi"),
])
def test_over_firing_cases_are_not_claims(text, language):
    assert claims(text, language) == []


def test_a_non_response_cancels_only_its_own_clause():
    text = "Kyiv said the shells came from North Korea, but Moscow declined to comment."
    assert claims(text, "en") == [("said", "Kyiv")]
    assert claims("He did not rule out new sanctions.", "en")  # a stated stance is a claim


# Quotations: before, after, around the attribution, and going on over sentences and paragraphs.
def test_quote_before_the_attribution_sentences_of_it_all_belong_to_the_speaker():
    text = '"We are ready. Our troops will respond to any attack," the defence minister said.'
    assert speakers(text, "en") == ["defence minister", "defence minister"]


def test_quote_after_the_attribution_runs_on_over_sentences():
    text = 'Kim Yo Jong said: "The drills are a rehearsal for invasion. We will not sit idle. We never have."'
    assert speakers(text, "en") == ["Kim Yo Jong"] * 3


def test_quote_over_several_paragraphs_keeps_its_speaker():
    text = ('"The shipment left in October," said Colonel Park Min-su.\n'
            '"It carried shells and rockets. More will follow.\n'
            '"We know the route they take."\n'
            "The weather in the region was cold.")
    assert speakers(text, "en") == ["Colonel Park Min-su"] * 4


def test_a_bare_attribution_after_a_quote_attributes_it_and_is_no_claim_itself():
    text = "“The talks failed.” Ambassador Lee said.\n“We will try again in spring.”"
    found = EXTRACTOR.extract(text, "en")
    assert [(c.sentence, c.speaker) for c in found] == [
        ("“The talks failed.”", "Ambassador Lee"), ("“We will try again in spring.”", "Ambassador Lee")]


def test_a_colon_line_before_a_quote_paragraph_attributes_it():
    text = 'The spokeswoman Maria Petrova told reporters:\n"Nothing was signed. The visit was private."'
    assert speakers(text, "en")[-2:] == ["spokeswoman Maria Petrova"] * 2


def test_hindi_speaker_named_before_the_quote_is_carried_into_the_quoted_sentences():
    text = ("रक्षा विशेषज्ञ सुनीता राव कहती हैं, \"यह सौदा बहुत बड़ा है। इससे सीमा पर संतुलन बदलेगा।\"\n"
            "\"रूस को गोले चाहिए और उत्तर कोरिया को तकनीक।\"")
    assert speakers(text, "hi") == ["रक्षा विशेषज्ञ सुनीता राव"] * 3


def test_double_apostrophe_quotes_open_and_close_a_quotation():
    text = "उन्होंने कहा, ''हम पीछे नहीं हटेंगे। हमारी सेना तैयार है।'' इसके बाद बैठक खत्म हुई।"
    found = EXTRACTOR.extract("मंत्री राजेश कुमार मंच पर आए। " + text, "hi")
    assert [(c.cue, c.speaker) for c in found] == [("कहा", "मंत्री राजेश कुमार"), ("quote", "मंत्री राजेश कुमार")]


def test_a_cue_inside_a_quote_does_not_name_the_quotes_speaker():
    text = '"The report said the war would end soon, but it was wrong," the analyst Mark Ode told reporters.'
    assert claims(text, "en") == [("told", "analyst Mark Ode")]


def test_scare_quotes_are_no_quotation():
    text = "The two leaders signed what they called a 'comprehensive strategic partnership' in June. The deal came later."
    assert claims(text, "en") == []


# Speakers: noun phrases only; pronouns and short references resolved to a compatible speaker.
@pytest.mark.parametrize(("text", "speaker"), [
    ("Meanwhile, the foreign ministry said the visit was private.", "foreign ministry"),
    ("However, Seoul said the launch failed.", "Seoul"),
    ("It can be said that the sanctions failed.", None),
    ("Sources said the ship left port on Sunday.", None),
    ("US officials said the ship left port on Sunday.", "US officials"),
    ("Jane Roe, a professor at Seoul National University, said the deal was illegal.", "Jane Roe"),
    ("Colonel Lee, who commands the unit, said the drills were over.", "Colonel Lee"),
    ("Russia and North Korea have both denied the arms transfers.", "Russia and North Korea"),
])
def test_english_speaker_phrases(text, speaker):
    assert speakers(text, "en") == [speaker]


def test_he_and_she_skip_an_organisation_named_in_between():
    text = ("Defence Minister Ana Silva said the border was calm. "
            "The ministry of defence had earlier said the opposite. "
            "She added that patrols would continue.")
    assert speakers(text, "en") == ["Defence Minister Ana Silva", "ministry of defence", "Defence Minister Ana Silva"]


def test_it_takes_the_last_organisation_and_they_a_group():
    text = ("Spokesman Tom Berg said the agency would publish data. "
            "Japan's coast guard said a vessel was sighted. It added that no one was hurt. "
            "South Korean officials said the vessel was North Korean. They said it carried fuel.")
    assert speakers(text, "en") == ["Spokesman Tom Berg", "Japan's coast guard", "Japan's coast guard",
                                    "South Korean officials", "South Korean officials"]


def test_a_short_reference_takes_the_full_mention_before():
    text = ("South Korea's defence ministry said the launch came at dawn. "
            "The ministry said the missile flew 600 km.")
    assert speakers(text, "en") == ["South Korea's defence ministry"] * 2


def test_hindi_pronoun_takes_the_last_person_not_the_organisation_in_between():
    text = ("अमेरिकी विदेश मंत्री जॉन स्मिथ ने कहा कि प्रतिबंध जारी रहेंगे। "
            "विदेश विभाग ने भी एक बयान जारी किया कि बातचीत बंद है। "
            "उन्होंने कहा कि रूस को इसकी कीमत चुकानी होगी।")
    assert speakers(text, "hi") == ["अमेरिकी विदेश मंत्री जॉन स्मिथ", "विदेश विभाग", "अमेरिकी विदेश मंत्री जॉन स्मिथ"]


def test_a_topic_phrase_is_no_speaker_of_an_accusation():
    text = "अमेरिका ने हथियारों के लेन-देन का आरोप लगाया है। हथियारों के लेन-देन का आरोप नया नहीं है।"
    assert speakers(text, "hi")[0] == "अमेरिका"
    assert "हथियारों के लेन-देन" not in speakers(text, "hi")


def test_the_subject_of_a_non_response_is_no_speaker_for_later_pronouns():
    text = ("रूस और उत्तर कोरिया ने इस रिपोर्ट पर कोई प्रतिक्रिया नहीं दी है। "
            "दक्षिण कोरिया की खुफिया एजेंसी ने दावा किया कि 3,000 सैनिक भेजे गए।")
    assert claims(text, "hi") == [("दावा", "दक्षिण कोरिया की खुफिया एजेंसी")]


def test_sentences_carry_their_offsets_in_the_text():
    text = "Intro line without a cue.\n  Officials in Seoul said the launch failed. Kim said: \"It worked.\""
    for claim in extract_claims(text, "en"):
        assert text[claim.start:claim.end] == claim.sentence


# The lexicon is data: one file per language, checked when it is read.
def test_every_language_has_a_lexicon_and_forms_are_unique():
    assert set(languages()) >= {"hi", "en"}
    for language in languages():
        lex = lexicon(language)
        assert lex.cues and lex.finder.pattern
    with pytest.raises(LexiconError, match="two cues"):
        _build({"language": "xx", "cues": [{"name": "a", "forms": ["say"]}, {"name": "b", "forms": ["say"]}]}, "test")
    with pytest.raises(LexiconError, match="unknown keys"):
        _build({"language": "xx", "cues": [{"name": "a", "forms": ["say"], "follows": ["x"]}]}, "test")


def test_yaml_words_that_look_like_booleans_stay_words():
    # "on" and "no" would be booleans in YAML 1.1; the lexicon reads them as words
    assert "on" in lexicon("en").speakers.boundary
    assert claims("No, the ministry said, the ship did not dock.", "en") == [("said", "ministry")]


# Spans: what part of a sentence a claim is (labelling guide §2).
def test_two_speakers_in_one_sentence_are_two_claims():
    text = "Kyiv said the drones came from Iran, while Tehran said it had sent none at all."
    found = EXTRACTOR.extract(text, "en")
    assert [(c.sentence, c.speaker) for c in found] == [
        ("Kyiv said the drones came from Iran", "Kyiv"), ("Tehran said it had sent none at all.", "Tehran")]
    text = "गृह मंत्री ने कहा कि सीमा पूरी तरह सुरक्षित है, वहीं विपक्ष के नेता ने कहा कि घुसपैठ जारी है।"
    assert [c.speaker for c in EXTRACTOR.extract(text, "hi")] == ["गृह मंत्री", "विपक्ष के नेता"]


def test_a_non_response_clause_and_a_part_after_a_semicolon_are_no_part_of_the_claim():
    found = EXTRACTOR.extract("He said he had never met the woman -- though, asked twice, he declined to say why.", "en")
    assert [c.sentence for c in found] == ["He said he had never met the woman"]
    found = EXTRACTOR.extract("Leaders met at the port; governor Ivan Petrov says 24 were injured in the blaze.", "en")
    assert [c.sentence for c in found] == ["governor Ivan Petrov says 24 were injured in the blaze."]


def test_questions_are_no_claims():
    assert claims("What has the Kremlin said about the meeting?", "en") == []
    assert claims("क्या रूस ने हथियार देने का वादा किया है?", "hi") == []


# Speakers in the shapes the real English text showed.
@pytest.mark.parametrize(("text", "speaker"), [
    ("Sen. Ann Ford, D-Ore., said a handshake would be a disgrace.", "Sen. Ann Ford"),
    ("Rep. Tom Hale (D-Calif.) tweeted that the summit should be cancelled.", "Rep. Tom Hale"),
    ("WASHINGTON — Representative Ann Ford said on Tuesday that she would resign.", "Representative Ann Ford"),
    ("President Kim on Saturday said the launch had succeeded.", "President Kim"),
    ("The governor himself said the fire was under control.", "governor"),
    ("The photo was first reported Saturday by Daily Ledger, a news site.", "Daily Ledger"),
    ("She issued a statement over the weekend saying she had never met him.", None),
    ("Mark Ode, the chief executive of Frogline, the image service that hosted the photo, said it was real.",
     "Mark Ode"),
    ("The paper's editor in chief, Ben Roe, later tweeted that the paper stood by its story.", "Ben Roe"),
    ("A spokeswoman for Speaker Jane Ash said the bill would pass.", "spokeswoman for Speaker Jane Ash"),
    ("Analysts at the Asan Institute said the launch was a test.", "Analysts at the Asan Institute"),
])
def test_english_speaker_shapes(text, speaker):
    assert speakers(text, "en") == [speaker]


def test_a_participle_takes_the_main_clause_subject_and_a_short_reference_its_full_mention():
    text = ("President Trump met the press on Friday. "
            "The president downplayed the news on Saturday, saying he had never met the envoy.")
    assert speakers(text, "en") == ["President Trump"]


def test_a_definite_report_is_the_organisation_that_published_it():
    text = ("The Institute for Population Studies in Mumbai released a report on Monday. "
            "The report said the lockdown had cut infections eightfold.")
    assert speakers(text, "en") == ["Institute for Population Studies in Mumbai"]
    assert speakers("Reports said the lockdown had cut infections.", "en") == [None]


# Speakers in the shapes the real Hindi text showed.
@pytest.mark.parametrize(("text", "speaker"), [
    ("यूपी सरकार के इस कदम की राजस्थान के मुख्यमंत्री अशोक गहलोत ने प्रशंसा की और कहा कि बाकी राज्य भी ऐसा करें।",
     "राजस्थान के मुख्यमंत्री अशोक गहलोत"),
    ("मंत्रालय की ओर से जारी एक आदेश के मुताबिक फंसे लोगों को घर जाने की अनुमति होगी।",
     "मंत्रालय की ओर से जारी एक आदेश"),
    ("केंद्रीय गृह मंत्रालय में संयुक्त सचिव पुण्य श्रीवास्तव ने कहा कि ट्रेनें चलेंगी।",
     "केंद्रीय गृह मंत्रालय में संयुक्त सचिव पुण्य श्रीवास्तव"),
    ("इस शोध को लीड करने वाले लक्ष्मी कांत द्विवेदी के मुताबिक संक्रमण की दर घटी है।",
     "इस शोध को लीड करने वाले लक्ष्मी कांत द्विवेदी"),
    ("बता दें कि गुरुवार को ही बिहार, तेलंगाना और पंजाब ने विशेष ट्रेनों की मांग की थी।", "बिहार, तेलंगाना और पंजाब"),
    ("रेल मंत्रालय के निर्देशानुसार ही किसी अन्य ट्रेन की योजना बनाई जाएगी।", "रेल मंत्रालय"),
    ("भागलपुर के एक छात्र ने बताया कि यहां खाने की दिक्कत है।", None),
    ("पुलिस के एक अधिकारी ने बताया कि भीड़ को हटा दिया गया।", "पुलिस के एक अधिकारी"),
])
def test_hindi_speaker_shapes(text, speaker):
    assert speakers(text, "hi") == [speaker]


def test_hindi_dropped_subject_and_aliases_take_the_speaker_named_before():
    text = ("स्वास्थ्य विभाग के प्रमुख सचिव अमित प्रसाद ने कहा है कि जांच बढ़ाई जाएगी। "
            "अपील की है कि लोग मरीजों के साथ सहानुभूति दिखाएं। "
            "सभी निजी अस्पतालों से प्रोटोकॉल का पालन करने को कहा है।")
    assert speakers(text, "hi") == ["स्वास्थ्य विभाग के प्रमुख सचिव अमित प्रसाद"] * 3
    text = "पंजाब के मुख्यमंत्री कैप्टन अमरिंदर सिंह ने कर्फ्यू बढ़ाने का एलान किया। सीएम ने कहा कि दुकानें खुलेंगी।"
    assert speakers(text, "hi") == ["पंजाब के मुख्यमंत्री कैप्टन अमरिंदर सिंह"] * 2


def test_a_pronoun_after_an_unnamed_source_names_nobody():
    text = ("अधिकारियों ने कहा कि बसें शाम तक पहुंचेंगी। उन्होंने कहा कि एक बस में 30 छात्र बैठेंगे।")
    assert speakers(text, "hi") == [None, None]
    text = "A senior official said the talks had stalled. He said a new round was unlikely."
    assert speakers(text, "en") == [None, None]


@pytest.mark.parametrize(("text", "language"), [
    ("गोंडा को पहले कोरोना मुक्त जिला घोषित किया गया था।", "hi"),
    ("स्थिति की समीक्षा के बाद और छूट का एलान किया जाएगा।", "hi"),
    ("लॉकडाउन की घोषणा के बाद से छात्र चिंतित हैं।", "hi"),
    ("रेल मंत्रालय ने टिकटों की बिक्री के लिए दिशा-निर्देश जारी किए हैं।", "hi"),
    ("Mueller's team is investigating alleged Russian interference.", "en"),
    ("The special counsel's statement adds more confusion.", "en"),
    ("North Korea's leader is believed to be heading north by train.", "en"),
])
def test_more_sentences_that_are_no_claims(text, language):
    assert claims(text, language) == []
