"""Did a measured run write, or take the write lock? Watched from outside the app, on the
database itself, so it holds whatever the app's code looks like.

* **SQLite**: a thread tries ``BEGIN IMMEDIATE`` with no busy timeout every 20 ms and
  rolls back at once; "database is locked" means some connection held the write lock at
  that moment. ``PRAGMA data_version`` of the same connection, read before and after,
  tells whether anyone committed a change in between.
* **PostgreSQL**: a thread looks at ``pg_locks`` every 20 ms for a backend of this
  database holding a transaction id (PostgreSQL gives one to a transaction when it first
  writes or locks a row, never to one that only reads). The rows written are counted per
  table as those whose ``xmin`` (the transaction that wrote that version) is newer than a
  transaction id taken before the run.

Sampling misses locks held between two samples, so a zero is evidence, not proof; a
lock seen is certain.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

SAMPLE_INTERVAL_S = 0.02


@dataclass
class WriteReport:
    samples: int = 0
    locked_samples: int = 0  # samples that found the write lock held / a transaction id
    changed: bool | None = None  # SQLite: data_version moved
    rows_written: int | None = None  # PostgreSQL: row versions written during the run
    tables: dict[str, int] = field(default_factory=dict)  # PostgreSQL: rows per table
    failure: str | None = None  # why sampling stopped early, if it did

    @property
    def wrote(self) -> bool:
        return bool(self.changed or self.rows_written)

    def summary(self) -> str:
        written = (f"{self.rows_written} rows" if self.rows_written is not None
                   else "changed" if self.changed else "unchanged")
        return f"{written}, lock {self.locked_samples}/{self.samples}"


class Watch(Protocol):
    def __enter__(self) -> Watch: ...
    def __exit__(self, *exc: object) -> None: ...
    def report(self) -> WriteReport: ...


class _Sampler:
    """Calls ``probe`` every SAMPLE_INTERVAL_S on a thread until stopped."""

    def __init__(self) -> None:
        self.result = WriteReport()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.failure: str | None = None

    def probe(self) -> bool:
        raise NotImplementedError

    def _loop(self) -> None:
        while not self._stop.wait(SAMPLE_INTERVAL_S):
            try:
                locked = self.probe()
            except Exception as exc:  # the watch must never stop the benchmark
                self.failure = f"{type(exc).__name__}: {exc}"
                return
            self.result.samples += 1
            self.result.locked_samples += int(locked)

    def finish(self) -> WriteReport:
        self.result.failure = self.failure
        return self.result

    def start_sampling(self) -> None:
        self._thread.start()

    def stop_sampling(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class SqliteWatch(_Sampler):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._version = 0

    def __enter__(self) -> SqliteWatch:
        # autocommit (isolation_level=None), no busy timeout: "locked" comes back at once
        self._conn = sqlite3.connect(self.path, timeout=0, isolation_level=None,
                                     check_same_thread=False)
        self._version = self._data_version()
        self.start_sampling()
        return self

    def _data_version(self) -> int:
        assert self._conn is not None
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def probe(self) -> bool:
        assert self._conn is not None
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return True
            raise
        self._conn.execute("ROLLBACK")
        return False

    def __exit__(self, *exc: object) -> None:
        self.stop_sampling()

    def report(self) -> WriteReport:
        """After the app's servers stopped (every commit of theirs is in)."""
        if self._conn is not None:
            self.result.changed = self._data_version() != self._version
            self._conn.close()
            self._conn = None
        return self.finish()


LOCKS_SQL = """
select count(*) from pg_locks l join pg_stat_activity a on a.pid = l.pid
where a.datname = current_database() and l.pid <> pg_backend_pid()
  and l.locktype = 'transactionid' and l.mode = 'ExclusiveLock'
"""
TABLES_SQL = """
select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables
where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
"""


def libpq_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


class PostgresWatch(_Sampler):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = libpq_url(url)
        self._sampling: Any = None
        self._xid = 0

    def _connect(self) -> Any:
        import psycopg  # the app's own driver, in the project's virtualenv

        return psycopg.connect(self.url, autocommit=True)

    def __enter__(self) -> PostgresWatch:
        self._sampling = self._connect()
        # a transaction id of our own: every row version written after it has a newer xmin
        self._xid = int(self._sampling.execute("select pg_current_xact_id()::text::bigint")
                        .fetchone()[0])
        self.start_sampling()
        return self

    def probe(self) -> bool:
        return bool(self._sampling.execute(LOCKS_SQL).fetchone()[0])

    def __exit__(self, *exc: object) -> None:
        self.stop_sampling()
        if self._sampling is not None:
            with contextlib.suppress(Exception):
                self._sampling.close()
            self._sampling = None

    def report(self) -> WriteReport:
        """After the app's servers stopped. xmin is 32 bits: compared within the epoch."""
        low = self._xid % 2**32
        with self._connect() as conn:
            tables = [row[0] for row in conn.execute(TABLES_SQL).fetchall()]
            counts = {}
            for table in tables:
                n = int(conn.execute(
                    f"select count(*) from {table} where xmin::text::bigint > %s",  # noqa: S608
                    (low,)).fetchone()[0])
                if n:
                    counts[table.removeprefix("public.")] = n
        self.result.tables = counts
        self.result.rows_written = sum(counts.values())
        return self.finish()


def watch_for(database_url: str) -> Watch:
    if database_url.startswith("sqlite"):
        return SqliteWatch(database_url.split("sqlite:///", 1)[1])
    return PostgresWatch(database_url)
