"""Monthly partitions of the roll-up tallies on PostgreSQL (migration 0020); nothing on SQLite.

A row whose month has no partition yet lands in the table's DEFAULT partition, so the submission path never waits
for DDL. `ensure_months` creates the partitions of given months and moves any rows the default holds for them;
`survey partitions` (nightly, docs/deploy.md) and the bulk loaders call it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from sqlalchemy import text

from survey.extensions import db

PARTITIONED = ("answer_tallies", "score_tallies")
_PARTITION_NAME = re.compile(rf"^({'|'.join(PARTITIONED)})_(\d{{6}}|default)$")


def is_partition(name: str | None) -> bool:
    """Whether a table name is one of the monthly or default partitions (left out of schema comparisons, since
    the models describe the partitioned table only)."""
    return bool(name and _PARTITION_NAME.match(name))


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's `include_name` hook: every table but the partitions."""
    return not (type_ == "table" and is_partition(name))


def next_month(month: int) -> int:
    """yyyymm → the following yyyymm."""
    return month + 1 if month % 100 < 12 else (month // 100 + 1) * 100 + 1


def months_ahead(start: date, count: int) -> list[int]:
    """The yyyymm of start's month and of the `count` months after it."""
    month = start.year * 100 + start.month
    out = [month]
    for _ in range(count):
        out.append(next_month(out[-1]))
    return out


def enabled() -> bool:
    """Whether this database partitions the tallies (PostgreSQL after migration 0020)."""
    if db.engine.dialect.name != "postgresql":
        return False
    return bool(db.session.execute(text(
        "SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass('answer_tallies')")).first())


def existing() -> dict[str, set[int]]:
    """Per partitioned table, the months that have their own partition."""
    rows = db.session.execute(text(
        "SELECT parent.relname, child.relname FROM pg_inherits "
        "JOIN pg_class parent ON parent.oid = pg_inherits.inhparent "
        "JOIN pg_class child ON child.oid = pg_inherits.inhrelid "
        "WHERE parent.relname = ANY(:tables)"), {"tables": list(PARTITIONED)}).all()
    out: dict[str, set[int]] = {table: set() for table in PARTITIONED}
    for parent, child in rows:
        suffix = child[len(parent) + 1:]
        if suffix.isdigit():
            out[parent].add(int(suffix))
    return out


def waiting_months() -> set[int]:
    """Months that have rows in a default partition (stored before their partition existed)."""
    months: set[int] = set()
    for table in PARTITIONED:
        months |= set(db.session.execute(text(f"SELECT DISTINCT month FROM {table}_default")).scalars())
    return months


def ensure_months(months: Iterable[int]) -> list[str]:
    """Create the missing monthly partitions of these months, moving their rows out of the default; the names made.

    Runs in the caller's transaction. Creating a partition scans the default partition (PostgreSQL checks it holds
    no row of the new range), which stays small as long as partitions are made ahead of time."""
    if not enabled():
        return []
    have, made = existing(), []
    for table in PARTITIONED:
        for month in sorted(set(months) - have[table]):
            name = f"{table}_{month}"
            bounds = f"FROM ({month}) TO ({next_month(month)})"
            db.session.execute(text(f"CREATE TEMPORARY TABLE partition_move ON COMMIT DROP AS "
                                    f"WITH moved AS (DELETE FROM {table}_default WHERE month = {month} RETURNING *) "
                                    f"SELECT * FROM moved"))
            db.session.execute(text(f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES {bounds}"))
            db.session.execute(text(f"INSERT INTO {table} SELECT * FROM partition_move"))
            db.session.execute(text("DROP TABLE partition_move"))
            made.append(name)
    return made


def ensure_current(ahead: int = 3, today: date | None = None) -> list[str]:
    """Partitions for this month, the next `ahead` months and every month waiting in a default partition."""
    if not enabled():
        return []
    return ensure_months(set(months_ahead(today or date.today(), ahead)) | waiting_months())


def summary() -> list[tuple[str, int, int]]:
    """(partition, rows estimated by the planner's statistics, bytes) of every tally partition, by name."""
    if not enabled():
        return []
    return [tuple(row) for row in db.session.execute(text(
        "SELECT child.relname, GREATEST(child.reltuples, 0)::bigint, pg_total_relation_size(child.oid) "
        "FROM pg_inherits JOIN pg_class parent ON parent.oid = pg_inherits.inhparent "
        "JOIN pg_class child ON child.oid = pg_inherits.inhrelid "
        "WHERE parent.relname = ANY(:tables) ORDER BY child.relname"), {"tables": list(PARTITIONED)}).all()]
