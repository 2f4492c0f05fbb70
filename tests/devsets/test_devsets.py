"""The real-text loader: texts are read out of a git snapshot by (repo, path, commit), checked
against their sha256, and never measured when they differ. Uses a repository made here."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

import pytest
import yaml
from newswatch import devsets
from newswatch.cli import main

HINDI = "रूस ने कहा कि बैठक सफल रही।\nदूसरी पंक्ति।"
PAGE = "<html lang=hi><body><h1>शीर्षक</h1><p>पहला अनुच्छेद।</p></body></html>"


@pytest.fixture
def snapshot(tmp_path: Path) -> tuple[Path, str]:
    """A bare-ish git repository under a mirror root, as `fetch` lays one out (owner+name)."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "data.jsonl").write_text(json.dumps({"text": "first"}) + "\n" + json.dumps({"text": HINDI}) + "\n",
                                     encoding="utf-8")
    (work / "page.html").write_bytes("<html><body><p>पाठ</p></body></html>".encode())
    (work / "page.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (work / "recorded.json").write_text(json.dumps({"url": "https://example.org/x", "page": PAGE}), encoding="utf-8")
    git = ["git", "-C", str(work), "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "data"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    mirror = tmp_path / "mirror"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(mirror / "someone+corpus")], check=True)
    return mirror, commit


def _manifest(tmp_path: Path, commit: str, sha: str) -> Path:
    path = tmp_path / "set" / "sources.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump({"name": "demo-set", "sources": [
        {"id": "hi-1", "repo": "someone/corpus", "path": "data.jsonl", "commit": commit,
         "select": {"line": 2, "field": "text"}, "sha256": sha, "language": "hi"},
        {"id": "page-1", "repo": "someone/corpus", "path": "page.html", "commit": commit,
         "select": {"html": True}, "sha256": devsets.sha256_of("<html><body><p>पाठ</p></body></html>".encode())},
    ]}, allow_unicode=True), encoding="utf-8")
    return path


def test_fill_then_load_reads_the_selected_text(tmp_path, snapshot, monkeypatch):
    mirror, commit = snapshot
    monkeypatch.setenv("NEWSWATCH_REALTEXT", str(tmp_path / "local"))
    manifest = devsets.read_manifest(_manifest(tmp_path, commit, devsets.sha256_of(HINDI)))
    assert devsets.fill(manifest, mirror) == {"hi-1": "ok", "page-1": "ok"}
    texts = devsets.load(manifest, required=True)
    assert texts["hi-1"] == HINDI
    assert texts["page-1"].startswith(b"<html>")
    assert manifest.sources[0].meta == {"language": "hi"}


def test_a_changed_text_is_refused_not_measured(tmp_path, snapshot, monkeypatch):
    mirror, commit = snapshot
    monkeypatch.setenv("NEWSWATCH_REALTEXT", str(tmp_path / "local"))
    manifest = devsets.read_manifest(_manifest(tmp_path, commit, devsets.sha256_of(HINDI)))
    devsets.fill(manifest, mirror)
    (tmp_path / "local" / "demo-set" / "hi-1.txt").write_text(HINDI + " बदला", encoding="utf-8")
    with pytest.raises(devsets.DevsetError, match="hi-1"):
        devsets.load(manifest)


def test_wrong_sha_is_not_filled_and_missing_texts_are_named(tmp_path, snapshot, monkeypatch, capsys):
    mirror, commit = snapshot
    monkeypatch.setenv("NEWSWATCH_REALTEXT", str(tmp_path / "local"))
    path = _manifest(tmp_path, commit, "0" * 64)
    outcome = devsets.fill(devsets.read_manifest(path), mirror)
    assert outcome["hi-1"] == "sha256 differs from the manifest"
    assert set(devsets.load(devsets.read_manifest(path))) == {"page-1"}
    with pytest.raises(devsets.DevsetError, match="not in"):
        devsets.load(devsets.read_manifest(path), required=True)
    assert main(["devset", "status", str(path)]) == 1
    assert "hi-1: missing" in capsys.readouterr().out


def test_a_list_field_is_joined_paragraph_by_paragraph_then_sliced():
    raw = json.dumps({"body": [["पहला वाक्य।", "दूसरा।"], ["Third one."]]}, ensure_ascii=False).encode()
    how = {"field": "body", "join": ["\n\n", " "]}
    assert devsets.select(raw, how) == "पहला वाक्य। दूसरा।\n\nThird one."
    assert devsets.select(raw, {**how, "start": 20}) == "Third one."
    with pytest.raises(devsets.DevsetError, match="join"):
        devsets.select(raw, {"field": "body"})
    with pytest.raises(devsets.DevsetError, match="deeper"):
        devsets.select(raw, {"field": "body", "join": ["\n\n"]})


def test_html_text_keeps_paragraphs_and_line_breaks_and_drops_markup():
    fragment = ("<p>रूस   ने कहा &#039;हाँ&#039;</p><ul><li>एक<br/>दो</li></ul>"
                "<div><p>Nested  para.</p></div> <a href='x'>Continue reading...</a>")
    assert devsets.html_text(fragment) == "रूस ने कहा 'हाँ'\n\nएक\nदो\n\nNested para."
    assert devsets.html_text("Plain &amp; simple") == "Plain & simple"
    page = ("<html><body><nav><p>Menu</p></nav><div class='story'><p>One.</p><p> </p><p>Two &amp; three.</p>"
            "</div></body></html>")
    assert devsets.html_text(page, "//div[@class='story']/p") == "One.\n\nTwo & three."
    raw = json.dumps([{"description": "<p>A &#039;b&#039;</p>"}]).encode()
    assert devsets.select(raw, {"field": "0.description", "html_text": True}) == "A 'b'"
    assert devsets.select(page.encode(), {"html_text": {"xpath": "//div[@class='story']/p"}, "end": 4}) == "One."


def test_gzip_pages_and_pages_recorded_in_json(tmp_path, snapshot, monkeypatch):
    """Extractors keep pages gzipped; scrapers' fixtures keep the response as a JSON string."""
    mirror, commit = snapshot
    monkeypatch.setenv("NEWSWATCH_REALTEXT", str(tmp_path / "local"))
    path = tmp_path / "set" / "sources.yaml"
    path.parent.mkdir()
    sha = devsets.sha256_of(PAGE.encode())
    path.write_text(yaml.safe_dump({"name": "pages", "sources": [
        {"id": "gz", "repo": "someone/corpus", "path": "page.html.gz", "commit": commit,
         "select": {"html": True, "gzip": True}, "sha256": sha},
        {"id": "rec", "repo": "someone/corpus", "path": "recorded.json", "commit": commit,
         "select": {"html": True, "field": "page"}, "sha256": sha},
        {"id": "notgz", "repo": "someone/corpus", "path": "page.html", "commit": commit,
         "select": {"html": True, "gzip": True}, "sha256": sha},
    ]}), encoding="utf-8")
    manifest = devsets.read_manifest(path)
    outcome = devsets.fill(manifest, mirror)
    assert outcome["gz"] == outcome["rec"] == "ok"
    assert outcome["notgz"].startswith("cannot select the text")
    texts = devsets.load(manifest)
    assert texts["gz"] == texts["rec"] == PAGE.encode()
