"""Migrations and the seed corpus against a real Postgres."""

import hashlib

import psycopg
import pytest
from conftest import ROOT
from newswatch.seeds import load_seeds, read_seed
from newswatch.store.db import DatabaseEncodingError, check_encoding
from newswatch.store.migrate import migrate
from newswatch.text.normalize import content_hash

SEEDS = ROOT / "include" / "seed_corpus"
TABLES = {"feeds", "articles", "article_bands", "claims", "alerts", "quarantine", "runs", "embedding_cache"}


# sha256 of ../shared/seed_corpus/*.txt as handed over: the project ships them byte for byte.
SHARED_SEED_SHA256 = {
    "000_e56069da11864369.txt": "9d8e4c666a423a6e2842eba29ed854b38348aa96164aa91800155f45ebab94c2",
    "001_8aeed890fbe92ce9.txt": "492768b14eec93ca88a21fff37085757eaf98b7de85a0c5c72bcfa158cf185a9",
    "002_b301b58a1966a28f.txt": "c4cf9fbdcbf5b9b6d28ace7a5cf1d8cdc3e8fd4020f0cd110b80e8878604f660",
    "003_f084d162026dfd09.txt": "8ab3583798552c520d494f49d48fa858423a96d01bb2c4d9114093aeb5c04b11",
    "004_efca6489166088c7.txt": "cb0f13115c7a04419cccbec42292d8339856c189bcf55c912f01fcd684c846df",
}


def test_seed_files_are_the_shared_corpus_byte_for_byte():
    shipped = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.iterdir()}
    assert shipped == SHARED_SEED_SHA256


def test_migrations_create_tables_and_keys_and_are_repeatable(db_url):
    heads = sorted(p.stem.split("_")[0] for p in (ROOT / "include" / "newswatch" / "store" / "migrations" / "versions").glob("0*.py"))
    assert migrate(db_url) == heads[-1]  # second time: nothing to do, at the newest revision
    with psycopg.connect(db_url) as conn:
        tables = {r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}
        assert TABLES <= tables
        uniques = {r[0] for r in conn.execute(
            """SELECT string_agg(a.attname, ',' ORDER BY a.attname) FROM pg_constraint c
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
               WHERE c.contype = 'u' AND c.conrelid = 'articles'::regclass GROUP BY c.oid""")}
        assert {"canonical_url", "guid"} <= uniques


def test_non_utf8_database_is_refused(pg_admin_url):
    from newswatch.store.db import drop_database, with_database

    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute("CREATE DATABASE nw_test_ascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0")
    try:
        with psycopg.connect(with_database(pg_admin_url, "nw_test_ascii")) as conn:
            with pytest.raises(DatabaseEncodingError, match="UTF8"):
                check_encoding(conn)
    finally:
        drop_database(pg_admin_url, "nw_test_ascii")


def test_seeds_load_once_with_title_language_and_hash(db_url):
    with psycopg.connect(db_url) as conn:
        assert load_seeds(conn, "russia_north_korea", SEEDS) == (5, 5)
        assert load_seeds(conn, "russia_north_korea", SEEDS) == (0, 5)
        rows = conn.execute(
            "SELECT canonical_url, title, language, content_hash, is_seed, text FROM articles ORDER BY canonical_url"
        ).fetchall()
    assert len(rows) == 5
    first_lines = sorted(p.read_text(encoding="utf-8").strip().splitlines()[0].strip() for p in SEEDS.glob("*.txt"))
    assert sorted(r[1] for r in rows) == first_lines
    assert all(r[2] == "hi" and r[4] for r in rows)
    assert all(r[3] == content_hash(r[5]) for r in rows)
    seed = read_seed("russia_north_korea", SEEDS / "002_b301b58a1966a28f.txt")
    assert seed.title == "उत्तर कोरिया का तानाशाह किम जोंग उन पुतिन से मिलने रूस पहुंचा"
