"""Which topic files become DAGs: the topics folder, read at parse time (YAML + pydantic only).

NEWSWATCH_TOPICS_DIR names the folder (default include/topics/); it may list several folders
or single topic files, separated by ':' (os.pathsep), e.g. the real topics plus the demo
topic in `make airflow`. Every *.yaml / *.yml file of a folder is a topic. NEWSWATCH_TOPIC
(one file) is a deprecated override read only here, at parse time, when NEWSWATCH_TOPICS_DIR
is unset: it chooses which DAG exists, never what a task runs.

Both DAG files call `catalog()`: dags/newswatch_topics.py builds a DAG of each good topic,
dags/newswatch_topic_errors.py raises for the broken ones, so their import error is recorded
against that file and the good topics' DAGs stay up.
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from newswatch import paths
from newswatch.config import Topic, TopicConfigError, load_topic
from newswatch.dag_ids import dag_id_for

log = logging.getLogger(__name__)

ROOT = paths.CHECKOUT  # relative topic folders are read from the checkout
DEFAULT_TOPICS_DIR = paths.TOPICS


@dataclass(frozen=True)
class TopicFile:
    """A topic file that loaded: its DAG runs this file, and checks the name at run time."""
    path: Path
    topic: Topic

    @property
    def dag_id(self) -> str:
        return dag_id_for(self.topic.name)


@dataclass(frozen=True)
class BrokenTopicFile:
    path: Path
    problem: str  # names the file and the field: newswatch.config.TopicConfigError's text


@dataclass
class TopicCatalog:
    topics: list[TopicFile] = field(default_factory=list)
    broken: list[BrokenTopicFile] = field(default_factory=list)


def topic_sources() -> list[Path]:
    listed = os.environ.get("NEWSWATCH_TOPICS_DIR")
    if not listed and os.environ.get("NEWSWATCH_TOPIC"):
        warnings.warn("NEWSWATCH_TOPIC is deprecated: set NEWSWATCH_TOPICS_DIR (a folder of topic files, "
                      "or files separated by ':'); each topic file becomes its own DAG", DeprecationWarning,
                      stacklevel=2)
        listed = os.environ["NEWSWATCH_TOPIC"]
    if not listed:
        return [DEFAULT_TOPICS_DIR]
    return [Path(part).expanduser() for part in listed.split(os.pathsep) if part.strip()]


def topic_files(sources: list[Path] | None = None) -> list[Path]:
    """The topic files, sorted within each folder; a missing source is skipped with a warning."""
    found: list[Path] = []
    for source in sources if sources is not None else topic_sources():
        path = source if source.is_absolute() else ROOT / source
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            log.warning("topics source %s does not exist", path)
    return [p.resolve() for p in found]


def catalog(sources: list[Path] | None = None) -> TopicCatalog:
    """Load every topic file; a bad one (or a second file with a name already taken) is listed
    as broken with the reason, and does not stop the others."""
    result = TopicCatalog()
    taken: dict[str, Path] = {}
    for path in topic_files(sources):
        try:
            topic = load_topic(path)
        except TopicConfigError as exc:
            result.broken.append(BrokenTopicFile(path, str(exc)))
            continue
        if topic.name in taken:
            result.broken.append(BrokenTopicFile(
                path, f"{path}: name: topic {topic.name!r} is already defined by {taken[topic.name]} "
                      f"(each topic file needs its own name: it is the DAG id {dag_id_for(topic.name)})"))
            continue
        taken[topic.name] = path
        result.topics.append(TopicFile(path, topic))
    return result


def owner_of(topic: Topic) -> str:
    """Airflow's owner column: the topic's `owner:` if the file sets one, else its contact."""
    return topic.owner or topic.contact
