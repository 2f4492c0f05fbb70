"""Pages as publishers make them (the shapes tests/fixtures/realpages/ showed), written here by hand:
JSON-LD in every shape, times without an offset, widgets, hidden copies, organisation authors,
bylines in sidebars, paywall words inside article text."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from newswatch.config import FeedConfig, TopicConfigError, load_topic
from newswatch.extract.article import extract_article
from newswatch.extract.page_meta import parse_time, read_page_meta, text_of, url_of
from newswatch.text.normalize import tokens

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
IST = ZoneInfo("Asia/Kolkata")
PARAS = [
    "रूस और उत्तर कोरिया के बीच नई रेल सेवा शुरू हुई है। अधिकारियों के मुताबिक पहली गाड़ी में खाद्यान्न और मशीनों के पुर्जे भेजे गए।",
    "दक्षिण कोरिया के विशेषज्ञों का कहना है कि इस रास्ते का इस्तेमाल सैन्य सामान के लिए भी हो सकता है। सियोल ने सहयोगी देशों से बात की है।",
    "जापान ने कहा कि वह हालात पर नज़र रखे हुए है। संयुक्त राष्ट्र में इस मुद्दे पर अगले हफ्ते चर्चा होने की उम्मीद है।",
    "स्थानीय लोगों ने बताया कि स्टेशन पर सुरक्षा बढ़ा दी गई है और पत्रकारों को पास जाने की अनुमति नहीं दी जा रही है।",
]
HEADLINE = "रूस-उत्तर कोरिया रेल सेवा शुरू, सामान की पहली खेप रवाना"


def page(*, head: str = "", before: str = "", byline: str = "", body: str | None = None, after: str = "",
         lang: str = "hi") -> str:
    body = body if body is not None else "".join(f"<p>{p}</p>" for p in PARAS)
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{HEADLINE} | रेलवार्ता</title>"
            f"<meta property='og:site_name' content='रेलवार्ता'>{head}</head><body>{before}"
            f"<article><h1>{HEADLINE}</h1>{byline}<div class='story'>{body}</div></article>{after}</body></html>")


def jsonld(obj) -> str:
    return f"<script type='application/ld+json'>{json.dumps(obj, ensure_ascii=False)}</script>"


def extract(html: str, **kw):
    return extract_article(html.encode(), "https://railvarta.example/a/1", "text/html; charset=utf-8", now=NOW, **kw)


# --- JSON-LD in every shape --------------------------------------------------------------------

def test_image_object_url_as_a_list_does_not_crash_and_gives_the_first_url():
    """Oneindia's shape: ImageObject.url is a list (TypeError: Cannot mix str and non-str arguments)."""
    html = page(head=jsonld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": HEADLINE,
                             "image": {"@type": "ImageObject", "url": ["https://img.example/a.jpg", "https://img.example/b.jpg"]},
                             "author": [{"@type": "Person", "name": ["नीरज शर्मा"]}],
                             "datePublished": ["2026-11-20T10:00:00+05:30"]}))
    got = extract(html)
    assert got.image_url == "https://img.example/a.jpg"
    assert got.authors == ["नीरज शर्मा"]
    assert got.published_at == datetime(2026, 11, 20, 10, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))


@pytest.mark.parametrize("field_value", [None, 42, {"@type": "Thing"}, [], [None, {"x": 1}], True, "   "])
def test_any_shape_where_a_string_belongs_is_no_crash(field_value):
    item = {"@type": "NewsArticle", "headline": field_value, "author": field_value, "image": field_value,
            "datePublished": field_value, "dateModified": field_value, "publisher": field_value}
    got = extract(page(head=jsonld([{"@graph": [item]}, "junk", 7])))
    assert got.title == HEADLINE  # the <h1>, the metadata gave nothing usable
    assert tokens(got.text) == tokens("\n".join(PARAS))


def test_graph_in_a_list_main_entity_and_references_are_walked():
    graph = [{"@context": "https://schema.org", "@graph": [
        {"@type": "ImageObject", "@id": "https://railvarta.example/#img", "url": "https://img.example/graph.jpg"},
        {"@type": "WebPage", "mainEntity": {"@type": "NewsArticle", "headline": HEADLINE,
                                            "image": {"@id": "https://railvarta.example/#img"},
                                            "author": {"@type": "Person", "name": {"@value": "रीता देवी"}}}}]}]
    got = extract(page(head=jsonld(graph)))
    assert got.image_url == "https://img.example/graph.jpg"
    assert got.authors == ["रीता देवी"]


def test_broken_json_ld_is_skipped_and_raw_newlines_in_strings_are_accepted():
    head = ("<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"headline\": oops}</script>"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"author\": {\"name\": \"अनिल\nकुमार\"}}</script>")
    assert extract(page(head=head)).authors == ["अनिल कुमार"]


def test_entities_and_markup_in_headlines_are_unescaped():
    assert text_of("&#039;For You&#039; &lsquo;मिशन&rsquo; &amp;#039;x&amp;#039; <em>y</em>") == "'For You' ‘मिशन’ 'x' y"
    html = page(head=jsonld({"@type": "NewsArticle", "headline": "&#039;दोस्ती&#039; की नई &lsquo;रेल&rsquo;"}))
    html = html.replace(f"<h1>{HEADLINE}</h1>", "")  # no <h1>: the JSON-LD headline is the title
    assert extract(html).title == "'दोस्ती' की नई ‘रेल’"


def test_a_headline_with_the_publishers_name_prefixed_loses_to_the_h1():
    html = page(head=jsonld({"@type": "NewsArticle", "headline": f"रेलवार्ता {HEADLINE}"}))
    assert extract(html).title == HEADLINE
    cut = page(head=jsonld({"@type": "NewsArticle", "headline": HEADLINE[:30] + "..."}))
    assert extract(cut).title == HEADLINE


def test_url_of_and_text_of_take_lists_objects_and_numbers():
    assert url_of([{"contentUrl": ["https://img.example/c.jpg"]}]) == "https://img.example/c.jpg"
    assert url_of({"@id": "https://x.example/#primaryimage"}) is None  # a reference, not an image
    assert text_of([None, {"name": "  दिनेश  "}]) == "दिनेश"
    assert text_of(12) is None and text_of(True) is None


# --- times without an offset follow the publisher's zone -----------------------------------------

@pytest.mark.parametrize("raw, expected, naive", [
    ("2020-09-29 23:43:13", datetime(2020, 9, 29, 23, 43, 13, tzinfo=IST), True),
    ("2020-06-22T12:26:08+5:30", datetime(2020, 6, 22, 6, 56, 8, tzinfo=timezone.utc), False),
    ("2021-01-01T9:05:00+0530", datetime(2021, 1, 1, 3, 35, tzinfo=timezone.utc), False),
    ("2024-05-14T12:38:34Z", datetime(2024, 5, 14, 12, 38, 34, tzinfo=timezone.utc), False),
    ("2020-07-05", datetime(2020, 7, 5, tzinfo=IST), True),
])
def test_parse_time_shapes(raw, expected, naive):
    value, was_naive = parse_time(raw, IST)
    assert value == expected and was_naive is naive


def test_a_naive_late_evening_time_stays_on_its_day_in_the_publishers_zone():
    """An Indian publisher's 23:43 is not the next day: it is read in IST, never as UTC."""
    html = page(head=jsonld({"@type": "NewsArticle", "datePublished": "2026-11-18 23:43:00"}))
    got = extract(html)
    assert got.published_at == datetime(2026, 11, 18, 23, 43, tzinfo=IST)
    assert got.published_at.astimezone(IST).date().isoformat() == "2026-11-18"
    assert got.assumed_tz == "Asia/Kolkata"
    london = extract(html, site_tz="Europe/London")
    assert london.published_at == datetime(2026, 11, 18, 23, 43, tzinfo=ZoneInfo("Europe/London"))
    dated = extract(page(head=jsonld({"@type": "NewsArticle", "datePublished": "2026-11-18T23:43:00+05:30"})))
    assert dated.assumed_tz is None


def test_topic_zones_per_feed_per_site_and_default(tmp_path):
    topic = load_topic("include/topics/russia_north_korea.yaml")
    assert topic.timezone_for("https://www.bbc.co.uk/hindi/x") == "Europe/London"
    assert topic.timezone_for("https://www.amarujala.com/x") == "Asia/Kolkata"
    assert FeedConfig(name="x", url="https://x.example/rss", timezone="Asia/Seoul").timezone == "Asia/Seoul"
    bad = tmp_path / "t.yaml"
    source = load_topic("include/topics/russia_north_korea.yaml").model_dump()
    source["timezones"] = {"default": "Asia/Kolkatta"}
    bad.write_text(json.dumps(source), encoding="utf-8")
    with pytest.raises(TopicConfigError, match="unknown time zone 'Asia/Kolkatta'"):
        load_topic(bad)


# --- dates and bylines near the headline, not in sidebars ----------------------------------------

SIDEBAR = ("<aside class='sidebar'><div class='post-by'>By K. Marry</div><ul>"
           "<li>पुरानी खबर <span class='date'>12 नवंबर 2026</span></li></ul></aside>")


def test_a_related_storys_date_is_not_taken_when_the_page_has_none():
    got = extract(page(before=SIDEBAR, after="<div class='related-news'><span class='post-date'>3 नवंबर 2026</span></div>"))
    assert got.published_at is None


def test_the_byline_near_the_headline_wins_over_a_sidebars():
    got = extract(page(before=SIDEBAR, byline="<div class='entry-meta'><span class='post-by'>By Newsguru Editors</span>"
                                              "<span class='post-on'>4:01 pm Tuesday, 17 November 2026</span></div>"))
    assert got.authors == ["Newsguru Editors"]
    assert got.published_at.astimezone(IST).date().isoformat() == "2026-11-17"  # the day (its clock comes first)


def test_several_names_in_one_byline():
    got = extract(page(byline="<p class='byline'>By Adam Lee & Mira D. Shah</p>"))
    assert got.authors == ["Adam Lee", "Mira D. Shah"]


@pytest.mark.parametrize(("byline", "name"), [
    # a fact-check's byline box: label, name, then the writer's handle linking to the profile
    ("<div class='author'><ul><li>Fact Check By</li><li><a href='/author/seema-verma/'>Seema Verma</a></li>"
     "<li><small><a href='https://twitter.com/seemaverma_'><i class='icn'></i>seemaverma_</a></small></li></ul></div>",
     "Seema Verma"),
    ("<p class='byline'>लेखक: <a href='/author/seema'>सीमा वर्मा</a> <a href='https://x.com/seemav'>seemav</a></p>",
     "सीमा वर्मा"),
])
def test_the_writers_social_media_handle_is_not_part_of_the_name(byline, name):
    assert extract(page(byline=byline)).authors == [name]


def test_an_organisation_as_json_ld_author_with_a_place_as_byline_is_no_author():
    org = jsonld({"@type": "NewsArticle", "author": {"@type": "NewsMediaOrganization", "name": "रेलवार्ता"}})
    assert extract(page(head=org, byline="<div class='dateline'>नई दिल्ली</div>")).authors == []
    by_name = jsonld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Railvarta"}})
    assert extract(page(head=by_name)).authors == []  # the site's own name (its domain), typed Person
    desk = jsonld({"@type": "NewsArticle", "author": {"@type": "Organization", "name": "रेलवार्ता डिजिटल डेस्क"}})
    assert extract(page(head=desk)).authors == ["रेलवार्ता डिजिटल डेस्क"]  # a desk is a byline


# --- what is not the body -------------------------------------------------------------------------

def _weather(rows: int, marked: bool) -> str:
    cities = ["दिल्ली", "मुंबई", "पटना", "लखनऊ", "भोपाल", "जयपुर", "रांची", "इंदौर"]
    cells = "".join(f"<li>{cities[i % 8]} {20 + i % 15}° {40 + i % 50}% {i % 9} किमी/घं</li>" for i in range(rows))
    return f"<div class='{'weather-widget' if marked else 'box-7'}'><ul>{cells}</ul></div>"


@pytest.mark.parametrize("marked", [True, False])
def test_a_huge_widget_is_not_taken_as_the_body(marked):
    got = extract(page(after=_weather(6000, marked)))  # ~31,000 "words" of weather
    assert tokens(got.text) == tokens("\n".join(PARAS))


def test_a_hidden_text_to_speech_copy_does_not_double_the_body():
    copy = f"<div class='auw_speak_body' style='display:none;'>{' '.join(PARAS)}</div>"
    got = extract(page(byline=copy))
    assert len(tokens(got.text)) == len(tokens("\n".join(PARAS)))
    aria = extract(page(byline=f"<div aria-hidden='true'>{' '.join(PARAS)}</div>"))
    assert len(tokens(aria.text)) == len(tokens("\n".join(PARAS)))


def test_an_article_a_script_reveals_is_kept():
    hidden_body = "".join(f"<p>{p}</p>" for p in PARAS)
    got = extract(page(body=f"<div class='story-body' style='display:none'>{hidden_body}</div>"))
    assert tokens(got.text) == tokens("\n".join(PARAS))


def test_language_is_decided_on_the_article_not_the_english_navigation():
    nav = "<nav>" + " ".join(f"<a href='/{i}'>Latest World News and Live Updates Section {i}</a>" for i in range(40)) + "</nav>"
    got = extract(page(before=nav, lang="en"))
    assert got.language == "hi"


# --- paywall signs judged where they stand -------------------------------------------------------

WIRE = [
    "SEOUL - North Korea has opened a second rail crossing to Russia, officials said, a move that could double the "
    "freight between the two countries as their military ties deepen further this year.",
    "The new line runs beside the old bridge over the Tumen River and was finished ahead of schedule, according to "
    "a ministry briefing; satellite images show freight cars parked on both banks of the river.",
    "Washington and Seoul accuse Pyongyang of sending shells and missiles to Russia by rail; both deny any arms trade "
    "but signed a treaty pledging mutual military assistance in the event of an attack.",
    "Officials said they were watching whether the crossing would also carry passengers, and declined to say how "
    "many trains had used it so far or what they had carried across.",
]


def test_a_wire_story_ending_with_a_redistribution_notice_is_not_a_teaser():
    body = "".join(f"<p>{p}</p>" for p in WIRE) + "<p>Redistribution by subscribers only.</p>"
    got = extract(page(body=body, lang="en"))
    assert not got.is_paywalled
    assert "Redistribution" not in got.text
    assert tokens(got.text) == tokens("\n".join(WIRE))


def test_a_paywall_class_around_the_whole_text_is_not_a_teaser():
    body = "<p>" + PARAS[0] + "</p><div class='paywallBlockedContent'>" + "".join(f"<p>{p}</p>" for p in PARAS[1:] * 3) + \
        "</div><div class='app-prompt'>अधूरा नहीं! पढ़िए पूरा! पढ़ें पूरी खबर ऐप पर</div>"
    assert not extract(page(body=body)).is_paywalled


def test_a_short_text_next_to_a_prompt_or_an_empty_paywall_box_is_a_teaser():
    prompt = f"<p>{PARAS[0]}</p><div class='app-prompt'>अधूरा नहीं! पढ़िए पूरा! पढ़ें पूरी खबर ऐप पर</div>"
    assert extract(page(body=prompt)).is_paywalled
    box = f"<p>{PARAS[0]}</p><div class='paywall'><button>सदस्यता लें</button></div>"
    assert extract(page(body=box)).is_paywalled
    free_false = page(body=f"<p>{PARAS[0]}</p>", head=jsonld({"@type": "NewsArticle", "isAccessibleForFree": False}))
    assert extract(free_false).is_paywalled
    long_free_false = page(head=jsonld({"@type": "NewsArticle", "isAccessibleForFree": "false"}),
                           body="".join(f"<p>{p}</p>" for p in PARAS * 3))
    assert not extract(long_free_false).is_paywalled  # the whole text is in the page


def test_page_meta_reads_the_shapes_without_the_extractor():
    tree = lxml.html.document_fromstring(page(head=jsonld({"@type": ["Article"], "headline": ["पहला", "दूसरा"],
                                                             "dateModified": "2026-11-19 07:00"})))
    meta = read_page_meta(tree, "https://railvarta.example/a/1", IST)
    assert meta.title == "पहला"
    assert meta.modified == datetime(2026, 11, 19, 7, 0, tzinfo=IST) and meta.naive_times


def test_subheadings_between_paragraphs_are_kept_and_ads_are_not():
    body = (f"<p>{PARAS[0]}</p><div>नई रेल लाइन का रास्ता</div><p>{PARAS[1]}</p><div>विज्ञापन</div>"
            f"<div class='byline'>Published 10:02 AM Nov 19, 2026</div><p>{PARAS[2]}</p><h3>आगे क्या होगा</h3><p>{PARAS[3]}</p>")
    lines = extract(page(body=body)).text.split("\n")
    assert "नई रेल लाइन का रास्ता" in lines and "आगे क्या होगा" in lines
    assert lines.index("नई रेल लाइन का रास्ता") == lines.index(PARAS[1]) - 1
    assert "विज्ञापन" not in lines and not any("Published" in line for line in lines)
