from pathlib import Path

import pytest
from conftest import ROOT
from newswatch.config import TopicConfigError, load_topic

TOPIC = ROOT / "include" / "topics" / "russia_north_korea.yaml"


def test_bundled_topic_loads_with_both_languages():
    topic = load_topic(TOPIC)
    assert topic.name == "russia_north_korea"
    assert set(topic.languages) == {"hi", "en"}
    groups = {g.name: g for g in topic.keyword_groups}
    assert "किम जोंग उन" in groups["north_korea"].terms.hi and "Kim Jong Un" in groups["north_korea"].terms.en
    assert "पुतिन" in groups["russia"].terms.hi and "Putin" in groups["russia"].terms.en
    assert "हथियार" in groups["military"].terms.hi and "arms" in groups["military"].terms.en
    assert topic.feeds and {f.language for f in topic.feeds} == {"hi", "en"}
    assert topic.search and topic.search.editions == ["hi-IN", "en-IN"]
    assert sorted(p.name for p in topic.seed_path().glob("*.txt")) == sorted(
        p.name for p in (ROOT / "include" / "seed_corpus").glob("*.txt"))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topic.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_broken_yaml_names_the_file(tmp_path):
    path = _write(tmp_path, "name: [unclosed\n")
    with pytest.raises(TopicConfigError, match=r"topic\.yaml: not valid YAML"):
        load_topic(path)


def test_bad_field_names_file_and_field(tmp_path):
    text = TOPIC.read_text(encoding="utf-8").replace("relevance_threshold: 0.5", "relevance_threshold: 1.7")
    with pytest.raises(TopicConfigError) as err:
        load_topic(_write(tmp_path, text))
    assert str(tmp_path / "topic.yaml") in str(err.value)
    assert "relevance_threshold" in str(err.value)


def test_unknown_field_and_bad_recipient_are_named(tmp_path):
    text = TOPIC.read_text(encoding="utf-8").replace("  - analysts@example.org", "  - not-an-address")
    text += "\nfeeds_typo: []\n"
    with pytest.raises(TopicConfigError) as err:
        load_topic(_write(tmp_path, text))
    assert "recipients" in str(err.value) and "feeds_typo" in str(err.value)


def test_missing_file_and_unset_variable(tmp_path, monkeypatch):
    with pytest.raises(TopicConfigError, match="cannot read"):
        load_topic(tmp_path / "absent.yaml")
    monkeypatch.delenv("NEWSWATCH_DEMO_BASE_URL", raising=False)
    with pytest.raises(TopicConfigError, match="NEWSWATCH_DEMO_BASE_URL is not set"):
        load_topic(ROOT / "include" / "demo" / "topic.yaml")


def test_demo_topic_extends_the_real_one(monkeypatch):
    monkeypatch.setenv("NEWSWATCH_DEMO_BASE_URL", "http://127.0.0.1:1")
    demo = load_topic(ROOT / "include" / "demo" / "topic.yaml")
    real = load_topic(TOPIC)
    assert demo.keyword_groups == real.keyword_groups
    assert all(f.url.startswith("http://127.0.0.1:1/") for f in demo.feeds)
    assert demo.http.allow_loopback and not real.http.allow_loopback


def test_a_variant_overrides_one_key_of_a_section_and_keeps_the_rest(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text(TOPIC.read_text(encoding="utf-8").replace("seed_dir: ../seed_corpus",
                                                              f"seed_dir: {TOPIC.parent / '../seed_corpus'}"),
                    encoding="utf-8")
    variant = tmp_path / "variant.yaml"
    variant.write_text("extends: base.yaml\nvalidation:\n  max_age_days: null\nfeeds: []\n", encoding="utf-8")
    real, changed = load_topic(TOPIC), load_topic(variant)
    assert changed.validation.max_age_days is None and real.validation.max_age_days == 30
    assert changed.validation.min_text_chars == real.validation.min_text_chars  # kept from the base
    assert changed.feeds == [] and real.feeds  # a list replaces
