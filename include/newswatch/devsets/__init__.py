"""Real-text development sets: what we measure judgements on, without copying anyone's text.

The repository commits a manifest per set (`sources.yaml`): for every text its provenance (public
repository, path, commit), how to read it out of that file (`select`), its sha256 and our labels
(character offsets into it). The texts themselves live in an ignored local folder,
`$NEWSWATCH_HOME/realtext/<set>/` (default `.local/realtext/<set>/`), filled from snapshots that the
search tool's `fetch` brought onto the machine (`newswatch devset fill MANIFEST`).

A manifest entry:

    - id: bbc-hi-2021-0042            # our name for the text; the local file is <id>.txt
      repo: owner/name                # a public GitHub repository
      path: data/hindi/test.jsonl     # the file in it
      commit: 0123abcd...             # 40 hex digits
      select: {line: 42, field: text} # optional: the text is one JSON line's field (or {field: x} of
                                      # a JSON document, or {html: true}: the bytes as they are;
                                      # {html: true, field: page}: a page kept as a JSON string;
                                      # gzip: true first inflates a .gz file)
      sha256: ...                     # of the selected text, UTF-8 (or of the bytes, for html)
      language: hi

More `select` keys, applied in this order after `line` / `field`:

    join: ["\n\n", " "]               # the field is a list (of lists) of strings: joined, outer
                                      # list by the first separator, inner lists by the second
    html_text: true                   # the text is HTML: its paragraphs' text (<p>, <li>, headings,
    html_text: {xpath: "//main//p"}   # or the elements the XPath names), one per block, blank line
                                      # between blocks, <br> kept as a line break, spaces collapsed
    start: 120, end: 4000             # a slice of the result (one article of a bundle)

`load(manifest)` verifies every file it reads against its sha256; a missing or changed text is
reported by id, never silently measured on something else.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from newswatch import paths

MIRROR_ROOT = Path(os.environ.get("NEWSWATCH_MIRROR_ROOT", "/work/.mirror"))


class DevsetError(RuntimeError):
    """A text is missing, does not match its sha256, or cannot be read out of its source."""


@dataclass(frozen=True)
class Source:
    id: str
    repo: str
    path: str
    commit: str
    sha256: str
    select: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)  # language, labels, anything else the set keeps

    @property
    def is_html(self) -> bool:
        return bool(self.select.get("html"))

    @property
    def filename(self) -> str:
        return f"{self.id}.html" if self.is_html else f"{self.id}.txt"


@dataclass(frozen=True)
class Manifest:
    name: str
    path: Path
    sources: list[Source]

    @property
    def local_dir(self) -> Path:
        return realtext_home() / self.name


def realtext_home() -> Path:
    home = os.environ.get("NEWSWATCH_REALTEXT")
    if home:
        return Path(home)
    base = os.environ.get("NEWSWATCH_HOME") or paths.LOCAL
    return Path(base) / "realtext"


_SOURCE_KEYS = {"id", "repo", "path", "commit", "sha256", "select"}


def read_manifest(path: str | Path) -> Manifest:
    path = Path(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    name = raw.get("name") or path.parent.name
    sources = []
    for entry in raw.get("sources", []):
        missing = [k for k in ("id", "repo", "path", "commit", "sha256") if not entry.get(k)]
        if missing:
            raise DevsetError(f"{path}: source {entry.get('id', '?')} lacks {', '.join(missing)}")
        sources.append(Source(entry["id"], entry["repo"], entry["path"], entry["commit"], entry["sha256"],
                              dict(entry.get("select") or {}),
                              {k: v for k, v in entry.items() if k not in _SOURCE_KEYS}))
    ids = [s.id for s in sources]
    if len(ids) != len(set(ids)):
        raise DevsetError(f"{path}: duplicate source ids")
    return Manifest(name, path, sources)


def sha256_of(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def select(raw: bytes, how: dict[str, Any]) -> str | bytes:
    """The text of a source out of its file's bytes, as the manifest's `select` says."""
    if how.get("gzip"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise DevsetError(f"not a gzip file: {exc}") from exc
    if how.get("html"):
        # A page saved inside a JSON fixture (a scraper's recorded response) is that string as UTF-8.
        return _field(json.loads(raw.decode("utf-8")), how["field"]).encode("utf-8") if "field" in how else raw
    text = raw.decode(how.get("encoding", "utf-8"))
    join = how.get("join")
    if "line" in how:  # JSON Lines (or plain lines): 1-based line number
        lines = text.splitlines()
        line = lines[int(how["line"]) - 1]
        text = line if "field" not in how else _field(json.loads(line), how["field"], join)
    elif "field" in how:
        text = _field(json.loads(text), how["field"], join)
    if how.get("html_text"):
        spec = how["html_text"]
        text = html_text(text, spec.get("xpath") if isinstance(spec, dict) else None)
    if "start" in how or "end" in how:  # a slice of a longer text (one article of a bundle)
        text = text[int(how.get("start", 0)):int(how["end"]) if "end" in how else None]
    return text


def _field(doc: Any, dotted: str, join: list[str] | None = None) -> str:
    for part in str(dotted).split("."):
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    if isinstance(doc, list) and join:
        return _joined(doc, list(join), dotted)
    if not isinstance(doc, str):
        raise DevsetError(f"field {dotted} is not a string (a list needs `join`)")
    return doc


def _joined(items: list[Any], separators: list[str], dotted: str) -> str:
    """A list of strings (or of lists of strings ...) as one text: the outer level joined by the
    first separator, the next level by the second, and so on."""
    sep, rest = separators[0], separators[1:]
    parts = []
    for item in items:
        if isinstance(item, list):
            if not rest:
                raise DevsetError(f"field {dotted} nests deeper than `join` has separators")
            parts.append(_joined(item, rest, dotted))
        elif isinstance(item, str):
            parts.append(item)
        else:
            raise DevsetError(f"field {dotted} holds a {type(item).__name__}, not text")
    return sep.join(parts)


_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "div", "td", "dd", "dt", "pre"}


def html_text(markup: str, xpath: str | None = None) -> str:
    """The readable text of an HTML page or fragment, the same way every time: one paragraph per
    block element without blocks inside (or per element the XPath selects), in document order;
    <br> is a line break, runs of spaces collapse, empty blocks are dropped, blocks are separated
    by a blank line. A fragment with no block at all is one paragraph."""
    import lxml.html  # only sets that read HTML need it

    if xpath:
        root = lxml.html.document_fromstring(markup)
        elements = root.xpath(xpath)
    else:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
        elements = [el for el in root.iter() if isinstance(el.tag, str) and el.tag in _BLOCKS and el is not root
                    and not any(isinstance(d.tag, str) and d.tag in _BLOCKS for d in el.iterdescendants())]
        elements = elements or [root]
    paragraphs = []
    for element in elements:
        for br in element.iter("br"):
            br.tail = "\n" + (br.tail or "")
        lines = (" ".join(line.split()) for line in element.text_content().split("\n"))
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def load(manifest: Manifest, *, required: bool = False) -> dict[str, str | bytes]:
    """id → text for every source present locally and matching its sha256. Absent texts are left
    out (or raise, with `required`); a text whose sha256 differs always raises."""
    out: dict[str, str | bytes] = {}
    for source in manifest.sources:
        local = manifest.local_dir / source.filename
        if not local.exists():
            if required:
                raise DevsetError(f"{manifest.name}/{source.id}: not in {manifest.local_dir} "
                                  f"(fill it: newswatch devset fill {manifest.path})")
            continue
        data: str | bytes = local.read_bytes() if source.is_html else local.read_text(encoding="utf-8")
        if sha256_of(data) != source.sha256:
            raise DevsetError(f"{manifest.name}/{source.id}: {local} does not match its sha256")
        out[source.id] = data
    return out


def _git_dir(repo: str, mirror_root: Path) -> Path | None:
    base = mirror_root / repo.replace("/", "+")
    if (base / "HEAD").exists():
        return base
    for candidate in sorted(base.glob("**/HEAD")) if base.exists() else []:
        if (candidate.parent / "objects").exists():
            return candidate.parent
    return None


def fill(manifest: Manifest, mirror_root: Path = MIRROR_ROOT) -> dict[str, str]:
    """Write every source the local snapshots hold into the local folder, verified.
    Returns id → 'ok' | 'present' | why it could not be filled."""
    manifest.local_dir.mkdir(parents=True, exist_ok=True)
    outcome: dict[str, str] = {}
    for source in manifest.sources:
        local = manifest.local_dir / source.filename
        if local.exists():
            outcome[source.id] = "present"
            continue
        git_dir = _git_dir(source.repo, mirror_root)
        if git_dir is None:
            outcome[source.id] = f"no snapshot of {source.repo} under {mirror_root} (fetch it with the search tool)"
            continue
        shown = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{source.commit}:{source.path}"],
                               capture_output=True)
        if shown.returncode != 0:
            outcome[source.id] = f"git show failed: {shown.stderr.decode(errors='replace').strip()[:200]}"
            continue
        try:
            data = select(shown.stdout, source.select)
        except (DevsetError, KeyError, IndexError, ValueError) as exc:
            outcome[source.id] = f"cannot select the text: {type(exc).__name__}: {exc}"[:200]
            continue
        if sha256_of(data) != source.sha256:
            outcome[source.id] = "sha256 differs from the manifest"
            continue
        if isinstance(data, bytes):
            local.write_bytes(data)
        else:
            local.write_text(data, encoding="utf-8")
        outcome[source.id] = "ok"
    return outcome
