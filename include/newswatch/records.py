"""Typed records passed between pipeline stages (and through XCom as JSON).

Every stage takes and returns these models, never loose dicts; `dump_list`/`load_list`
convert to and from the JSON that Airflow's XCom stores.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from newswatch.text import sanitize

M = TypeVar("M", bound=BaseModel)


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FeedSpec(Record):
    url: str
    name: str
    language: str | None = None
    kind: Literal["rss", "search"] = "rss"


class QuarantineRecord(Record):
    """A record we refuse, with where and why: nothing is dropped silently. `reason_class`
    tells bad input ('input') from an unexpected exception of ours ('bug', newswatch.isolation)."""

    stage: Literal["fetch", "extract", "dedupe", "validate", "load"]
    reason: str
    item_key: str  # the URL, GUID or feed URL the record is about
    feed_url: str | None = None
    entry_position: int | None = None  # the feed entry it is (None: a feed-level record)
    reason_class: Literal["input", "bug"] = "input"
    expectation: str | None = None
    value: str | None = None  # the offending value, truncated
    payload: dict[str, Any] = Field(default_factory=dict)

    @field_validator("reason", "item_key", "expectation", "value")
    @classmethod
    def _bounded(cls, value: str | None, info) -> str | None:
        if value is None:
            return None
        return sanitize.key_text(value, sanitize.LIMITS.get(info.field_name, sanitize.MAX_URL))

    @field_validator("payload")
    @classmethod
    def _jsonb(cls, value: dict[str, Any]) -> dict[str, Any]:
        return sanitize.json_safe(value)


class FeedEntry(Record):
    """One feed item that passed parsing and relevance, before its page is fetched."""

    feed_url: str
    position: int = -1  # its index in the feed document: the ledger's key (newswatch.quality.accounting)
    guid: str
    url: str  # canonical URL: the key
    raw_url: str  # the absolute link as published: what we fetch (sites may not answer the canonical form)
    title: str
    summary: str = ""
    published_at: datetime | None = None
    date_source: Literal["feed", "fetch_time"] = "feed"  # fetch_time: the feed gave no date
    language: str | None = None
    relevance: float = 0.0
    matched_terms: list[str] = Field(default_factory=list)

    @field_validator("url", "raw_url")
    @classmethod
    def _http(cls, value: str) -> str:
        if sanitize.http_url(value) is None:
            raise ValueError(f"not an http(s) URL: {value[:200]!r}")
        return value

    @field_validator("title", "summary")
    @classmethod
    def _plain(cls, value: str, info) -> str:
        return sanitize.plain_text(value, sanitize.LIMITS[info.field_name])

    @field_validator("guid")
    @classmethod
    def _key(cls, value: str) -> str:
        return sanitize.key_text(value)


class EntryNote(Record):
    """An entry the feed stage decided on without a record of its own (not relevant)."""

    position: int
    item_key: str
    title: str = ""
    reason: str


class FeedResult(Record):
    feed_url: str
    feed_name: str = ""
    status: Literal["ok", "not_modified", "error"]
    http_status: int | None = None
    error_class: str | None = None
    error: str | None = None
    retry_after_s: float | None = None
    entries_seen: int = 0
    irrelevant: int = 0
    entries: list[FeedEntry] = Field(default_factory=list)  # relevant: their pages are fetched next
    quarantined: list[QuarantineRecord] = Field(default_factory=list)  # entries refused (and a feed-level bug)
    irrelevant_entries: list[EntryNote] = Field(default_factory=list)
    duplicates: list["DuplicateDecision"] = Field(default_factory=list)  # the same entry twice in the feed
    warnings: list[str] = Field(default_factory=list)
    elapsed_s: float = 0.0
    # What the next conditional GET should send. They take effect only when the load has
    # stored or quarantined this feed's entries (newswatch.store.feeds): a crash before that
    # leaves the last loaded state, so the next run reads the feed in full again.
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None


class Article(Record):
    """An extracted article, ready for dedupe, validation and load. Every field is what it
    claims to be (newswatch.text.sanitize): optional URLs http(s) or none, text fields plain text,
    lengths bounded; the content hash is of the text as stored. The key fields (url, language)
    are judged by the incoming suite, which quarantines a bad one with the reason."""

    url: str  # canonical URL
    guid: str | None = None
    feed_url: str | None = None
    entry_position: int | None = None  # the feed entry it came from (None: a seed)
    title: str
    text: str
    summary: str = ""
    language: str | None = None
    source: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    date_source: Literal["page", "feed", "fetch_time"] | None = None
    modified_at: datetime | None = None
    image_url: str | None = None
    is_paywalled: bool = False
    entities: dict[str, list[str]] = Field(default_factory=dict)
    fetched_at: datetime
    content_hash: str = ""  # computed from the stored text when not given
    relevance: float = 0.0
    matched_terms: list[str] = Field(default_factory=list)
    extraction_method: str = ""
    is_seed: bool = False
    # set by dedupe: the known article this one contains and adds text to (a follow-up on reused
    # background); stored as an original with `extends`, its claims assessed like any article's
    extends_id: int | None = None
    extends_url: str | None = None

    @field_validator("url")
    @classmethod
    def _key_url(cls, value: str) -> str:
        # The key is not cleaned but judged: the incoming suite quarantines a non-http(s) URL
        # (and a language outside the topic's) with the reason; what loads is http(s).
        return sanitize.key_text(value)

    @field_validator("feed_url", "image_url", mode="before")
    @classmethod
    def _optional_url(cls, value: Any) -> str | None:
        return sanitize.http_url(value) if isinstance(value, str) else None

    @field_validator("title", "summary", "text", "source", "author")
    @classmethod
    def _plain(cls, value: str | None, info) -> str | None:
        if value is None:
            return None
        cleaned = sanitize.plain_text(value, sanitize.LIMITS[info.field_name], multiline=info.field_name == "text")
        return cleaned if cleaned or info.field_name in ("title", "text", "summary") else None

    @field_validator("guid")
    @classmethod
    def _guid(cls, value: str | None) -> str | None:
        return sanitize.key_text(value) or None if value is not None else None

    @field_validator("extraction_method")
    @classmethod
    def _method(cls, value: str) -> str:
        return sanitize.plain_text(value, sanitize.LIMITS["method"])

    @model_validator(mode="after")
    def _derived(self) -> "Article":
        from newswatch.text.normalize import content_hash
        from newswatch.text.urls import source_of

        if not self.content_hash:
            self.content_hash = content_hash(self.text)
        if not self.source and self.url.startswith(("http://", "https://")):
            self.source = source_of(self.url)
        return self


class DuplicateDecision(Record):
    """Why a record is not new: the layer that decided and what it duplicates."""

    url: str
    raw_url: str | None = None  # the link as the feed wrote it, when that differs
    guid: str | None = None
    title: str
    feed_url: str | None = None  # the entry it decides on (newswatch.quality.accounting)
    entry_position: int | None = None
    layer: Literal["url", "guid", "content_hash", "minhash"]
    duplicate_of_id: int | None = None  # stored article id, when the original is stored
    duplicate_of_url: str  # the original's URL (or seed:// URL)
    similarity: float = 1.0  # the score that decided: 1.0 for exact layers; minhash: Jaccard or containment
    # minhash layer: the estimated Jaccard of word shingles, the share of the shorter text inside
    # the longer (a truncated copy), the titles' similarity (0-100), and which of them decided
    jaccard: float | None = None
    containment: float | None = None
    title_similarity: float | None = None
    rule: Literal["jaccard", "containment", "title"] | None = None
    article: Article | None = None  # set when the copy itself is stored (new URL, known text)


FeedResult.model_rebuild()


class ExtractBatch(Record):
    articles: list[Article] = Field(default_factory=list)
    known: list[DuplicateDecision] = Field(default_factory=list)
    quarantined: list[QuarantineRecord] = Field(default_factory=list)


class DedupeBatch(Record):
    new: list[Article] = Field(default_factory=list)
    duplicates: list[DuplicateDecision] = Field(default_factory=list)
    candidates_checked: int = 0  # LSH candidates verified (stored and within the batch)


class ValidatedBatch(Record):
    valid: list[Article] = Field(default_factory=list)
    quarantined: list[QuarantineRecord] = Field(default_factory=list)
    results: dict[str, Any] = Field(default_factory=dict)  # expectation → {success, unexpected_count}
    gx_result: dict[str, Any] = Field(default_factory=dict)  # the suite's GX result, compacted (stored per run)


class LoadResult(Record):
    run_id: str
    loaded: int
    duplicates_stored: int
    quarantined: int
    alert_id: int | None = None


class SendResult(Record):
    sent: int = 0
    failed: int = 0
    destinations: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)
    in_doubt: list[int] = Field(default_factory=list)  # alert ids whose sender died mid-send


def dump_list(items: list[BaseModel]) -> list[dict[str, Any]]:
    return [item.model_dump(mode="json") for item in items]


def load_list(model: type[M], items: list[dict[str, Any]] | None) -> list[M]:
    return [model.model_validate(item) for item in items or []]
