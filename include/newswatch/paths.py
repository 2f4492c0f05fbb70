"""Where the package's data lives, resolved in one place (the other modules name a constant
here rather than counting `Path(__file__).parents`). Imports nothing, so any room may use it."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # include/newswatch
INCLUDE = PACKAGE.parent  # include/: topics, expectations, the demo, the seed corpus
CHECKOUT = INCLUDE.parent  # the repository: .local (dev-set texts), tests/fixtures (their labels)

TOPICS = INCLUDE / "topics"
DEFAULT_TOPIC = TOPICS / "russia_north_korea.yaml"
EXPECTATIONS = INCLUDE / "expectations"  # the Great Expectations suites (JSON)
DEMO = INCLUDE / "demo"
MIGRATIONS = PACKAGE / "store" / "migrations"
TEMPLATES = PACKAGE / "alerts" / "templates"  # the digest's (jinja2 finds them as package data)
EXTRACTION_WORDS = PACKAGE / "extract" / "data" / "extraction_words.yaml"
LOCAL = CHECKOUT / ".local"  # NEWSWATCH_HOME's default
CLAIMS_LABELS = CHECKOUT / "tests" / "fixtures" / "realtext" / "claims"
