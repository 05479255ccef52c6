"""Hand-written SQL of the hot paths, in one place: small statements on the driver, and bulk loads.

A submission runs a handful of small statements, and SQLAlchemy spends 30–100 µs on each one, as much as the
database itself (SPEC P1). These helpers take plain `:name` SQL and run it on the driver inside the same
transaction; values must be ints, floats, strings or None, with times passed through `db_time` first.
Bulk loads (demo, restore) use `bulk_insert`: executemany on SQLite, COPY on PostgreSQL.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text
from sqlalchemy.schema import AddConstraint, DropConstraint

from survey.extensions import db

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


@lru_cache(maxsize=128)
def _pyformat(sql: str) -> str:
    return _NAMED.sub(r"%(\1)s", sql)


def _driver(conn: Connection | None):
    """(DBAPI connection, whether it is PostgreSQL) of the session's transaction."""
    conn = conn or db.session.connection()
    return conn.connection.driver_connection, conn.dialect.name == "postgresql"


_streams = itertools.count(1)
SMALL_BATCH = 64  # rows; a submission writes 1–20, bulk loads thousands


def insert_rows(table: str, columns: Sequence[str], rows: list[dict], suffix: str = "",
                conn: Connection | None = None) -> None:
    """INSERT rows (dicts holding every column) with an optional tail such as ON CONFLICT … DO UPDATE.

    A small batch (a submission's or a group commit's few rows) goes as one multi-row VALUES statement. On SQLite
    each row of an executemany is a step that lets go of the GIL, and a writer holding the write lock then waited
    for other threads to hand the GIL back once per row; psycopg's executemany runs in pipeline mode, which took
    several socket waits per statement. Large batches (bulk loads) keep executemany, five times faster there than
    one huge VALUES list."""
    if not rows:
        return
    driver, postgres = _driver(conn)
    if len(rows) > SMALL_BATCH:
        marks = ", ".join(f"%({c})s" if postgres else f":{c}" for c in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) {suffix}"
        if postgres:
            with driver.cursor() as cur:
                cur.executemany(sql, rows)
        else:
            driver.executemany(sql, rows)
        return
    for sql, params in _multi_row_inserts(table, columns, rows, suffix, postgres):
        _run(driver, postgres, sql, params)


def insert_returning(table: str, columns: Sequence[str], rows: list[dict], suffix: str, returning: str,
                     conn: Connection | None = None) -> list[tuple]:
    """INSERT rows as few multi-row statements; the RETURNING columns of the rows inserted."""
    driver, postgres = _driver(conn)
    out: list[tuple] = []
    for sql, params in _multi_row_inserts(table, columns, rows, suffix, postgres):
        out += _run(driver, postgres, f"{sql} RETURNING {returning}", params, fetch=True)
    return out


MAX_VARIABLES = 999  # SQLite before 3.32 takes at most 999 parameters in one statement (PostgreSQL 65,535)


def _chunks(rows: list[dict], width: int) -> Iterator[list[dict]]:
    """Rows in groups small enough for one statement's parameters."""
    size = max(1, min(SMALL_BATCH, MAX_VARIABLES // width))
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _multi_row_inserts(table: str, columns: Sequence[str], rows: list[dict], suffix: str,
                       postgres: bool) -> Iterator[tuple[str, list]]:
    """(positional SQL, flat parameters) of multi-row INSERTs holding the rows, each within MAX_VARIABLES."""
    names, width = ", ".join(columns), len(columns)
    for chunk in _chunks(rows, width):
        group = f"({', '.join(['%s' if postgres else '?'] * width)})"
        yield (f"INSERT INTO {table} ({names}) VALUES {', '.join([group] * len(chunk))} {suffix}",
               [row[c] for row in chunk for c in columns])


def _run(driver, postgres: bool, sql: str, params: list, fetch: bool = False) -> list[tuple]:
    """Execute positional SQL on the driver; its rows when `fetch` (read to the end: an INSERT completes there)."""
    if postgres:
        with driver.cursor() as cur:
            cur.execute(sql, params)
            return [tuple(r) for r in cur.fetchall()] if fetch else []
    cursor = driver.execute(sql, params)
    return [tuple(r) for r in cursor.fetchall()] if fetch else []


def fetch_one(sql: str, params: dict, conn: Connection | None = None) -> tuple | None:
    """The first row of a query (or of an INSERT … RETURNING), as a tuple; None when there is none."""
    rows = fetch_all(sql, params, conn)
    return tuple(rows[0]) if rows else None


def fetch_all(sql: str, params: dict, conn: Connection | None = None) -> list[tuple]:
    """Every row of a small query (read to the end: a RETURNING insert completes there)."""
    driver, postgres = _driver(conn)
    if postgres:
        with driver.cursor() as cur:
            cur.execute(_pyformat(sql), params)
            return cur.fetchall()
    return driver.execute(sql, params).fetchall()


def execute_many(sql: str, rows: list[dict], conn: Connection | None = None) -> None:
    """Run one statement (an UPDATE, say) once per row of parameters."""
    driver, postgres = _driver(conn)
    if postgres:
        with driver.cursor() as cur:
            cur.executemany(_pyformat(sql), rows)
        return
    driver.executemany(sql, rows)


def stream_rows(sql: str, params: dict, size: int, conn: Connection | None = None,
                binary: bool = False) -> Iterator[list[tuple]]:
    """The rows of a large query as lists of plain tuples, `size` at a time (a server-side cursor on PostgreSQL).

    A list value expands `IN :name`. SQLAlchemy's Row objects cost as much as the fetch itself for the million rows
    of a province-year, and reading past its buffer to the cursor would skip the rows it had already fetched.
    `binary`: PostgreSQL sends the values in its binary format, not as text (a bytea column as bytes, not hex
    twice its size: the responses export reads a million rows in half the time, on both sides)."""
    driver, postgres = _driver(conn)
    sql, params = _expand_lists(sql, params)
    if postgres:
        # Named: rows stay on the server until fetched; a fresh name per stream, so none can clash with another.
        with driver.cursor(name=f"survey_stream_{next(_streams)}", binary=binary) as cur:
            cur.execute(_pyformat(sql), params)
            while rows := cur.fetchmany(size):
                yield rows
        return
    cur = driver.execute(sql, {k: db_time(v, conn) for k, v in params.items()})
    try:
        while rows := cur.fetchmany(size):
            yield rows
    finally:
        cur.close()


SCAN_CACHE_KB = 16_384  # SQLite's page cache during one pass over a large table (the pool keeps 256 MB, database.py)


@contextmanager
def small_page_cache(conn: Connection | None = None) -> Iterator[None]:
    """On SQLite, a small page cache while one pass reads a province-year (each page once: caching them only costs
    memory, 256 MB of it), then the connection's own again. Nothing on PostgreSQL, whose cache is the server's."""
    conn = conn or db.session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or 0)
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SCAN_CACHE_KB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={before}")


def _expand_lists(sql: str, params: dict) -> tuple[str, dict]:
    """`IN :name` with a list value → `IN (:name_0, :name_1, …)` (`IN (NULL)`, true for no row, when empty)."""
    out = {}
    for name, value in params.items():
        if not isinstance(value, (list, tuple)):
            out[name] = value
            continue
        names = [f"{name}_{n}" for n in range(len(value))]
        sql = re.sub(rf":{name}\b", "(" + (", ".join(":" + n for n in names) or "NULL") + ")", sql)
        out.update(zip(names, value))
    return sql, out


def db_time(value: Any, conn: Connection | None = None) -> Any:
    """A date or naive-UTC datetime as the column stores it: SQLAlchemy's text format on SQLite, as is elsewhere."""
    if value is None or (conn or db.session.connection()).dialect.name != "sqlite":
        return value
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")  # "%Y-%m-%d %H:%M:%S.%f", a fifth of strftime's cost
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_db_time(value: Any) -> Any:
    """A datetime read back by `fetch_one`: SQLite gives SQLAlchemy's text, PostgreSQL a datetime."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


# Bulk loads

def driver_connection():
    """The DBAPI connection of the current session's transaction (sqlite3 or psycopg)."""
    return db.session.connection().connection.driver_connection


def bulk_insert(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert rows (tuples in column order) as fast as the database allows."""
    conn = driver_connection()
    cols = ", ".join(columns)
    if db.engine.dialect.name == "postgresql":
        with conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)


_PGCOPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags 0, no header extension
_PGCOPY_TRAILER = b"\xff\xff"


def bulk_insert_integers(table: str, columns: Sequence[str], arrays: Sequence[np.ndarray],
                         widths: Sequence[int]) -> None:
    """Insert rows given as equal-length integer arrays (no NULLs), one per column; `widths` are the columns' byte
    sizes (2 smallint, 4 integer, 8 bigint)."""
    bulk_insert_arrays(table, columns, arrays, [f"int{w}" for w in widths])


PG_BINARY = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8"}


def bulk_insert_arrays(table: str, columns: Sequence[str], arrays: Sequence[np.ndarray], types: Sequence[str]) -> None:
    """Insert rows given as equal-length arrays (no NULLs), one per column, typed "int2", "int4", "int8", "float8"
    or "text" as the columns are.

    On PostgreSQL the rows go as binary COPY laid out by numpy, without a Python object per value: a national load
    writes 180 million answer rows and millions of tally rows, and psycopg's row-by-row COPY writer cost ~8 µs a
    row, most of the load's time. Text columns must take few distinct values (a channel, a component): the rows of
    each combination share one fixed layout. SQLite gets executemany."""
    n = len(arrays[0]) if len(arrays) else 0
    if not n:
        return
    if db.engine.dialect.name != "postgresql":
        bulk_insert(table, columns, zip(*(a.tolist() for a in arrays)))
        return
    texts = [i for i, kind in enumerate(types) if kind == "text"]
    group = np.zeros(n, dtype=np.int64)
    combos: list[tuple[str, ...]] = [()]
    for i in texts:  # factorised, not sorted: np.unique sorts the strings, seconds for millions of rows
        codes, labels = pd.factorize(np.asarray(arrays[i], dtype=object))
        group = group * len(labels) + codes
        combos = [(*combo, str(label)) for combo in combos for label in labels]
    conn = driver_connection()
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(_PGCOPY_HEADER)
        for g, combo in enumerate(combos):
            if len(combos) == 1:
                copy.write(_binary_rows(arrays, types, dict(zip(texts, combo)), slice(None)))
                continue
            rows = np.flatnonzero(group == g)
            if len(rows):
                copy.write(_binary_rows(arrays, types, dict(zip(texts, combo)), rows))
        copy.write(_PGCOPY_TRAILER)


def _binary_rows(arrays: Sequence[np.ndarray], types: Sequence[str], constants: dict[int, str], rows) -> bytes:
    """Binary COPY tuples of the selected rows, whose text columns hold the given constants."""
    fields: list[tuple[str, str]] = [("count", ">i2")]
    encoded = {i: value.encode() for i, value in constants.items()}
    for i, kind in enumerate(types):
        fields += [(f"len{i}", ">i4"), (f"val{i}", f"S{len(encoded[i])}" if kind == "text" else PG_BINARY[kind])]
    first = np.asarray(arrays[0])[rows]
    out = np.empty(len(first), dtype=np.dtype(fields))
    out["count"] = len(types)
    for i, kind in enumerate(types):
        if kind == "text":
            out[f"len{i}"] = len(encoded[i])
            out[f"val{i}"] = encoded[i]
        else:
            out[f"len{i}"] = np.dtype(PG_BINARY[kind]).itemsize
            out[f"val{i}"] = np.asarray(arrays[i])[rows]
    return out.tobytes()


def next_id(table: str) -> int:
    """The next free integer id of a table."""
    return (db.session.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar_one() or 0) + 1


def sync_sequence(table: str) -> None:
    """After inserting explicit ids on PostgreSQL, move the id sequence past them."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
            f"FROM {table}"))  # an empty table's next id stays 1


@contextmanager
def foreign_keys_dropped(*tables: str) -> Iterator[None]:
    """On PostgreSQL, drop the tables' foreign keys (and the answers' key) for a bulk load, re-add them after.

    PostgreSQL checks a foreign key row by row during COPY; re-adding the constraint checks the whole table
    in one join, which is what its manual advises for populating a database. SQLite checks cheaply in place.
    """
    if db.engine.dialect.name != "postgresql":
        yield
        return
    from survey.models import Base

    constraints = [fk for name in tables for fk in Base.metadata.tables[name].foreign_key_constraints]
    # The answers' primary key is rebuilt by one sort afterwards instead of 13 million B-tree inserts.
    answers_pk = Base.metadata.tables["answers"].primary_key if "answers" in tables else None
    for fk in constraints:
        db.session.execute(DropConstraint(fk))
    if answers_pk is not None:
        db.session.execute(DropConstraint(answers_pk))
    yield
    db.session.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    if answers_pk is not None:
        db.session.execute(AddConstraint(answers_pk))
    for fk in constraints:
        db.session.execute(AddConstraint(fk))


@contextmanager
def indexes_dropped(*tables: str, primary_keys: Sequence[str] = ()) -> Iterator[None]:
    """On PostgreSQL, drop the tables' secondary indexes and unique constraints (and the primary keys of the tables
    in `primary_keys`) for a bulk load, and build each once afterwards by one sort.

    A national load interleaves provinces, each spread over the year, so its client ids and (version, date, unit)
    keys arrive in no order: every row would be a random B-tree insert into indexes far larger than the cache."""
    if db.engine.dialect.name != "postgresql":
        yield
        return
    from sqlalchemy import Constraint, Index, UniqueConstraint
    from sqlalchemy.schema import CreateIndex, DropIndex

    from survey.models import Base

    indexes = [index for name in tables for index in Base.metadata.tables[name].indexes if isinstance(index, Index)]
    uniques: list[Constraint] = [c for name in tables for c in Base.metadata.tables[name].constraints
                                 if isinstance(c, UniqueConstraint)]
    uniques += [Base.metadata.tables[name].primary_key for name in primary_keys]
    for index in indexes:
        db.session.execute(DropIndex(index))
    for constraint in uniques:
        db.session.execute(DropConstraint(constraint))
    yield
    db.session.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    for constraint in uniques:
        db.session.execute(AddConstraint(constraint))
    for index in indexes:
        db.session.execute(CreateIndex(index))
