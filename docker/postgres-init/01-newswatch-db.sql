-- newswatch's article database, next to Airflow's metadata database in the same server.
--
-- The postgres image runs this file once, with psql as POSTGRES_USER (airflow), and only when it
-- starts on an EMPTY data volume. If the volume already exists (you started the stack before this
-- file existed), run `docker compose down --volumes` first, or run these statements by hand.
--
-- Airflow's own database `airflow` is created by the image from POSTGRES_DB.
--
-- Why these options: newswatch compares Hindi text inside Postgres. Under a C or SQL_ASCII ctype
-- Postgres text functions (lower(), ILIKE, regex classes) see nothing in Devanagari, so newswatch
-- refuses to run on such a database. template0 keeps the template's locale from leaking in.
--
-- Development credentials only (they match NEWSWATCH_DB_URL's default in docker-compose.yml):
-- change both for anything that is not your own machine.

CREATE ROLE newswatch WITH LOGIN PASSWORD 'newswatch';

CREATE DATABASE newswatch
    OWNER newswatch
    ENCODING 'UTF8'
    LC_COLLATE 'C.UTF-8'
    LC_CTYPE 'C.UTF-8'
    TEMPLATE template0;
