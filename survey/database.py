"""Engine settings per database: SQLite gets WAL, foreign keys and a busy timeout."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from survey.extensions import db


def configure_engine(app: Flask) -> None:
    """Install per-connection pragmas once the engine exists."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers work during writes; foreign keys are off by default in SQLite."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A 256 MB page cache (an upper bound, used only as needed) keeps the indexes of a province's year of responses in memory.
    cursor.execute("PRAGMA cache_size=-262144")
    cursor.close()


def is_postgres(engine: Engine | None = None) -> bool:
    """Whether the app runs on PostgreSQL."""
    return (engine or db.engine).dialect.name == "postgresql"


def open_transaction(immediate: bool = False, conn: Connection | None = None) -> None:
    """BEGIN now on SQLite (IMMEDIATE: take the write lock too), so savepoints that follow nest inside it.

    pysqlite begins transactions lazily (before DML only): a SAVEPOINT issued first would open the transaction
    itself, and its RELEASE would commit — breaking all-or-nothing imports.
    """
    conn = conn or db.session.connection()
    if conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
