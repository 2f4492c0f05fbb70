"""Labels that point into a page become gold strings at load time, from the verified local page."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from newswatch import devsets
from newswatch.devsets import realpages

PAGE = ("<html lang='hi'><head><script type='application/ld+json'>{\"@type\": \"NewsArticle\", "
        "\"author\": {\"@type\": \"Person\", \"name\": \"रेखा वर्मा\"}}</script></head><body>"
        "<div class='nav'>होम देश</div><h1 class='t'>रेल सेवा शुरू</h1><p class='by'>लेखक: सुनील राय | पटना</p>"
        "<div class='story'><p>पहला अनुच्छेद।</p><figure><figcaption>तस्वीर का कैप्शन</figcaption></figure>"
        "<p>दूसरा <b>अनुच्छेद</b>।</p><div class='also'>यह भी पढ़ें: दूसरी खबर</div></div></body></html>")


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "page.html").write_bytes(PAGE.encode())
    git = ["git", "-C", str(work), "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "p"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    mirror = tmp_path / "mirror"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(mirror / "someone+pages")], check=True)
    monkeypatch.setenv("NEWSWATCH_REALTEXT", str(tmp_path / "local"))
    path = tmp_path / "set" / "sources.yaml"
    path.parent.mkdir()
    source = {"id": "p1", "repo": "someone/pages", "path": "page.html", "commit": commit, "select": {"html": True},
              "sha256": devsets.sha256_of(PAGE.encode()), "url": "https://x.example/1", "language": "hi",
              "split": "heldout", "published": "2026-11-18", "paywalled": False,
              "title": {"xpath": "//h1[@class='t']"},
              "authors": [{"xpath": "//p[@class='by']", "pattern": r"लेखक:\s*(?P<name>[^|]+?)\s*\|"},
                          {"jsonld": "author.name"}],
              "body": {"blocks": ["//div[@class='story']"], "exclude": ["//figure", "//div[@class='also']"]}}
    path.write_text(yaml.safe_dump({"name": "pages", "sources": [source]}, allow_unicode=True), encoding="utf-8")
    assert devsets.fill(devsets.read_manifest(path), mirror) == {"p1": "ok"}
    return path


def test_labels_resolve_to_gold_strings_from_the_page(manifest):
    (page,) = realpages.load_pages(manifest)
    assert page.title == "रेल सेवा शुरू"
    assert page.authors == ["सुनील राय", "रेखा वर्मा"]
    assert page.published == date(2026, 11, 18) and page.has_published
    assert page.body == "पहला अनुच्छेद।\nदूसरा अनुच्छेद।"
    assert (page.split, page.language, page.paywalled) == ("heldout", "hi", False)


def test_a_label_that_does_not_resolve_is_an_error_naming_the_page(manifest):
    raw = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    raw["sources"][0]["title"] = {"xpath": "//h2"}
    manifest.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(realpages.LabelError, match="p1: XPath '//h2' matches nothing"):
        realpages.load_pages(manifest)


def test_the_committed_manifests_hold_provenance_and_no_text():
    root = ROOT / "tests" / "fixtures" / "realpages"
    for name in ("hi", "en"):
        manifest = devsets.read_manifest(root / name / "sources.yaml")
        assert manifest.sources
        for source in manifest.sources:
            assert len(source.commit) == 40 and len(source.sha256) == 64
            assert set(source.meta) <= {"url", "publisher", "template", "amp", "split", "language", "published",
                                        "paywalled", "title", "authors", "body", "role"}
    hindi = devsets.read_manifest(root / "hi" / "sources.yaml").sources
    assert len({s.meta["publisher"] for s in hindi}) >= 8
    assert {s.meta["split"] for s in hindi} == {"tune", "heldout"}
