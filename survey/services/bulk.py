"""Bulk insert paths: executemany on SQLite, COPY on PostgreSQL, inside the session's transaction."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.schema import AddConstraint, DropConstraint

from survey.extensions import db


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


def next_id(table: str) -> int:
    """The next free integer id of a table."""
    return (db.session.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar_one() or 0) + 1


def sync_sequence(table: str) -> None:
    """After inserting explicit ids on PostgreSQL, move the id sequence past them."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"))


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
