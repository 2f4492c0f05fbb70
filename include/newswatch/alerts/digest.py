"""What the morning email says: the run's new developments, grouped by story, each with why it
is new (the story it opens, or its new claims with the nearest known claim and similarity).

`build_digest` reads it from Postgres after the load has stored the articles, their claims
and their novelty; `newswatch.alerts.outbox` renders it (Jinja2) and writes it to the outbox.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import psycopg
from pydantic import computed_field

from newswatch import store
from newswatch.records import Record
from newswatch.store import claims as claim_rows


class DigestClaim(Record):
    sentence: str
    speaker: str | None = None
    category: str = "new"  # new | update | contradicts | confirms (restatements are never listed)
    similarity: float | None = None  # to the nearest known claim (None: nothing comparable known)
    nearest_sentence: str | None = None
    nearest_title: str | None = None  # the article (or seed) that carries the nearest known claim
    changed: str | None = None  # what changed, for the reader: "12, was 2"; "denies"
    matched_speaker: str | None = None  # who said the known claim
    matched_source: str | None = None  # where it was published
    matched_seen: datetime | None = None  # when
    matched_is_seed: bool | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        return {"update": "updates", "contradicts": "contradicts", "confirms": "confirms"}.get(self.category, "new")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def note(self) -> str:
        """One line on what it is to the known claim: "was 2, said by X on 2026-11-19"."""
        when = f" on {self.matched_seen:%Y-%m-%d}" if self.matched_seen else (" in the seed corpus" if self.matched_is_seed else "")
        who = self.matched_speaker or self.matched_source
        if self.category == "update":
            return f"{self.changed or 'a fact changed'}" + (f", said by {who}" if who else "") + when
        if self.category == "contradicts":
            return f"{self.changed or 'contradicts'} what " + (f"{who} said" if who else "was reported") + when
        if self.category == "confirms":
            return "first claimed" + (f" by {who}" if who else "") + when
        return ""


class DigestItem(Record):
    """One new development: an article that opens a story or carries a new claim."""

    article_id: int
    title: str
    link: str | None  # the renderer links only http(s) URLs
    source: str | None = None
    language: str | None = None
    published_at: datetime | None = None
    new_story: bool
    why: str  # one line a reader can check
    nearest_title: str | None = None
    nearest_link: str | None = None
    nearest_similarity: float | None = None
    claims: list[DigestClaim] = []


class DigestStory(Record):
    story_id: int | None
    new_story: bool
    headline: str  # the story's first article's title (a seed's, for a known story)
    items: list[DigestItem]


class Digest(Record):
    stories: list[DigestStory] = []
    not_new: int = 0  # new articles that only repeat known claims in a known story: not listed
    day: date | None = None  # the run's day (UTC): in the subject, so each night's digest is told apart

    @property
    def items(self) -> list[DigestItem]:
        return [item for story in self.stories for item in story.items]

    @property
    def new_claims(self) -> int:
        return sum(len(item.claims) for item in self.items)

    def subject(self, topic_title: str) -> str:
        n, stories, claims = len(self.items), len(self.stories), self.new_claims
        day = f" {self.day:%Y-%m-%d}" if self.day else ""
        return (f"[newswatch]{day} {topic_title}: {n} new development{'s' if n != 1 else ''} in "
                f"{stories} stor{'ies' if stories != 1 else 'y'}, {claims} new claim{'s' if claims != 1 else ''}")


def _claim(row: dict) -> DigestClaim:
    changed = row.pop("changed") or {}
    if row["category"] == "new":
        row = {**row, "matched_speaker": None, "matched_source": None, "matched_seen": None, "matched_is_seed": None}
    return DigestClaim(**row, changed=changed.get("text") or None)


def build_digest(conn: psycopg.Connection, run: int) -> Digest:
    """The run's new developments, stories in order of their newest item, items by date."""
    rows = store.new_developments_of_run(conn, run)
    claims = claim_rows.reported_claims_of_articles(conn, [r["id"] for r in rows])
    heads = store.story_heads(conn, [r["story_id"] for r in rows if r["story_id"] is not None])
    stories: dict[int | None, DigestStory] = {}
    for row in rows:
        novelty = row["novelty"] or {}
        nearest = novelty.get("nearest") or {}
        item = DigestItem(
            article_id=row["id"], title=row["title"], link=row["canonical_url"], source=row["source"],
            language=row["language"], published_at=row["published_at"], new_story=bool(novelty.get("new_story")),
            why=novelty.get("why") or "new", nearest_title=nearest.get("title"),
            nearest_link=nearest.get("url"), nearest_similarity=nearest.get("similarity"),
            claims=[_claim(c) for c in claims.get(row["id"], [])])
        key = row["story_id"] if row["story_id"] is not None else -row["id"]  # no story: its own group
        head = heads.get(row["story_id"])
        story = stories.setdefault(key, DigestStory(
            story_id=row["story_id"], new_story=item.new_story,
            headline=head["title"] if head else row["title"], items=[]))
        story.items.append(item)
    started = store.run_started_at(conn, run)
    day = started.astimezone(timezone.utc).date() if started else None
    return Digest(stories=list(stories.values()), not_new=store.count_not_new_of_run(conn, run), day=day)
