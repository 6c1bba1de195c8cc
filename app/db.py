"""Engine and transactions.

SQLite is the embedded default and PostgreSQL the production database; both go through
the same code. For SQLite every connection gets foreign keys, WAL, ``synchronous=NORMAL``
and a busy timeout, and write transactions start with ``BEGIN IMMEDIATE`` while holding a
per-process lock: one writer at a time per process, waiting (not failing) for writers in
other processes. Reads stay concurrent.

Web requests get their transaction from ``request_transaction``: it first waits for one of
a bounded number of slots (no more than the connection pool holds) and, for SQLite writes,
for the write lock, both awaited first-come first-served on the event loop. A waiting
request therefore holds neither a worker thread nor a connection, so requests can never
starve each other of threads or connections; and no request ever uses two connections at
once. Writes that are only
bookkeeping (session last-seen, lesson opened) run after the response with ``run_write``.

Hot writes that often turn out to write nothing (marking a completed lesson complete, an
autosave of what was saved already) are *read first*: their transaction starts as a read,
so it takes no write lock, and only when the service finds something to write does it
call ``begin_write(session)``. On SQLite that ends the read, waits for the write lock and
goes on in a ``BEGIN IMMEDIATE`` transaction (the objects already loaded stay in the
session, so everything the service read is still at hand; what it writes must be written
as a condition the database checks, since another writer may have come first). On
PostgreSQL the read runs without a transaction (autocommit: no BEGIN or COMMIT)
and the write in a new one. Once written, the route may call ``end_write(session)``:
the write commits there and the lock is let go before the page is rendered.

A SQLite transaction that holds no write lock waits for nothing, so the request's work in
it may run on the event loop instead of a worker thread (``run_in_request``: the sign-in
of every request, and the hot read pages marked ``small_read`` in ``app/deps.py``).
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.from_thread
import anyio.to_thread
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session

T = TypeVar("T")
SQLITE_BUSY_TIMEOUT_MS = 15_000
_BEGIN_OPTION = "podium_begin"
_BEGIN_STATEMENTS = {mode: f"BEGIN {mode}" for mode in ("DEFERRED", "IMMEDIATE")}
_UPGRADE = "podium_begin_write"  # Session.info key: how a read-first transaction writes
_DOWNGRADE = "podium_end_write"  # and how it commits that write early
_WAITS_FOR_NOTHING = "podium_waits_for_nothing"  # Session.info: see run_in_request
_IDLE_SINCE = "podium_idle_since"  # pool record info: when the connection was handed back
IDLE_PING_AFTER_S = 10.0  # PostgreSQL: an idle connection older than this is tried first
# Connections per process, all kept open: the request slots are as many, so a request
# never waits for a connection, and none is opened and closed under load (an overflow
# connection was: on SQLite its PRAGMAs, on PostgreSQL a new server process each time).
SQLITE_POOL = 16
POSTGRES_POOL = 20


class _Gates:
    """Request slots and the SQLite write lock as asyncio primitives, one set per event
    loop (a server process runs one loop; test clients may run several)."""

    def __init__(self, slots: int) -> None:
        self._slots = slots
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop,
                                                 tuple[asyncio.Semaphore, asyncio.Lock]]
        self._by_loop = weakref.WeakKeyDictionary()
        self._guard = threading.Lock()

    def current(self) -> tuple[asyncio.Semaphore, asyncio.Lock]:
        loop = asyncio.get_running_loop()
        with self._guard:
            gates = self._by_loop.get(loop)
            if gates is None:
                gates = self._by_loop[loop] = (asyncio.Semaphore(self._slots), asyncio.Lock())
            return gates


class Database:
    """Owns the engine of one database and hands out transactions."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self._write_lock = threading.Lock()
        pool_size = SQLITE_POOL if self.is_sqlite else POSTGRES_POOL
        max_overflow = 0
        self._gates = _Gates(pool_size)
        if self.is_sqlite:
            _ensure_sqlite_dir(url)
            self.engine = create_engine(
                url,
                echo=echo,
                connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                pool_size=pool_size,
                max_overflow=max_overflow,
                hide_parameters=True,  # no value (a password hash, a token) in any log
            )
            _install_sqlite_hooks(self.engine)
        else:
            self.engine = create_engine(url, echo=echo, pool_size=pool_size,
                                        max_overflow=max_overflow, hide_parameters=True)
            _install_idle_ping(self.engine)
        self._write_engine = self.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        # The read of a read-first write on PostgreSQL runs without BEGIN and COMMIT (READ
        # COMMITTED gives each statement its own snapshot anyway): two round trips fewer.
        # Not every read: a streamed export's server-side cursor needs a transaction.
        self._read_engine = (self.engine if self.is_sqlite else
                             self.engine.execution_options(isolation_level="AUTOCOMMIT"))

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A transaction that commits when the block ends and rolls back on error.

        ``write=True`` marks a transaction that will write: on SQLite it takes the write
        lock up front so it can never fail half-way with "database is locked".
        """
        if write and self.is_sqlite:
            with self._write_lock, self._session(self._write_engine) as session:
                yield session
        else:
            with self._session(self.engine) as session:
                yield session

    @asynccontextmanager
    async def request_transaction(self, *, write: bool, read_first: bool = False,
                                  statement_snapshots: bool = False,
                                  ) -> AsyncIterator[Session]:
        """The transaction of one web request (see the module docstring). A write
        transaction that is ``read_first`` takes no write lock until ``begin_write``. A
        read with ``statement_snapshots`` (a page whose queries need not see one snapshot)
        runs on PostgreSQL without BEGIN and COMMIT, each statement with its own snapshot,
        as the read of a read-first write does: two round trips fewer."""
        slots, write_lock = self._gates.current()
        read_first = write and read_first
        # PostgreSQL in autocommit: its end (commit, the connection's reset) sends nothing
        no_transaction = read_first or (statement_snapshots and not write)
        locked = write and self.is_sqlite and not read_first
        upgraded = False
        async with slots:
            if locked:
                await write_lock.acquire()
            try:
                bind = (self._write_engine if locked else
                        self._read_engine if no_transaction else self.engine)
                session = Session(bind=bind, expire_on_commit=False)
                session.info[_WAITS_FOR_NOTHING] = self.is_sqlite and not locked
                if read_first:

                    def upgrade() -> None:  # in the request's worker thread
                        nonlocal upgraded
                        if upgraded:
                            return
                        loaded = list(session.identity_map.values())
                        session.expunge_all()  # detached, they keep what was read
                        session.rollback()  # the read ends: a write must start afresh
                        if self.is_sqlite:
                            anyio.from_thread.run(write_lock.acquire)
                        upgraded = True
                        session.info[_WAITS_FOR_NOTHING] = False
                        session.bind = self._write_engine if self.is_sqlite else self.engine
                        session.add_all(loaded)

                    def downgrade() -> None:  # in the request's worker thread
                        nonlocal upgraded
                        if not upgraded:
                            return
                        session.commit()  # expire_on_commit=False: what was read stays
                        upgraded = False
                        if self.is_sqlite:
                            anyio.from_thread.run_sync(write_lock.release)
                            session.info[_WAITS_FOR_NOTHING] = True
                        session.bind = self._read_engine

                    session.info[_UPGRADE] = upgrade
                    session.info[_DOWNGRADE] = downgrade
                try:
                    yield session
                    if write or not (self.is_sqlite or no_transaction):
                        await anyio.to_thread.run_sync(_commit_and_close, session)
                    else:  # ending a SQLite read, or an autocommit one, does no I/O
                        _commit_and_close(session)
                except BaseException:
                    with anyio.CancelScope(shield=True):
                        await anyio.to_thread.run_sync(_rollback_and_close, session)
                    raise
            finally:
                if locked or (upgraded and self.is_sqlite):
                    write_lock.release()

    async def run_write(self, work: Callable[[Session], object]) -> None:
        """Run ``work(session)`` in its own write transaction, in a worker thread; for
        writes done after the response has been sent (background tasks)."""
        async with self.request_transaction(write=True) as session:
            await anyio.to_thread.run_sync(work, session)

    @contextmanager
    def _session(self, bind: Engine) -> Iterator[Session]:
        session = Session(bind=bind, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


async def run_in_request(session: Session, work: Callable[..., T], *args: Any) -> T:
    """Run ``work(*args)``, synchronous database work of a request's transaction, from the
    event loop: right there when nothing in it can wait (a SQLite transaction that holds
    no write lock only reads, in WAL mode, from a connection its request slot reserved: no
    network, no lock, no pool to wait for), else in a worker thread (PostgreSQL's round
    trips, a SQLite write that may wait for another process). On SQLite a worker thread's
    hop costs more than such a read.

    Run on the loop, the work first lets the loop go round once, so the sockets of other
    requests are served between two pieces of work: without that, a page's p99 under 64
    connections went from 1.8x the baseline's to 3.3x (``bench/hot_paths.py``)."""
    if session.info.get(_WAITS_FOR_NOTHING):
        await asyncio.sleep(0)
        return work(*args)
    return await anyio.to_thread.run_sync(work, *args)


def begin_write(session: Session) -> None:
    """Called by a service just before it writes in a transaction that may have been
    started read-first (see the module docstring); elsewhere it does nothing."""
    upgrade = session.info.get(_UPGRADE)
    if upgrade is not None:
        upgrade()


def end_write(session: Session) -> None:
    """Called by a read-first route once its service has written: the write is committed
    now and (SQLite) the write lock released, so rendering the answer holds no lock; the
    rest of the request only reads. Elsewhere (or with nothing written) it does nothing;
    the request's transaction commits at its end as usual."""
    downgrade = session.info.get(_DOWNGRADE)
    if downgrade is not None:
        downgrade()


def _commit_and_close(session: Session) -> None:
    try:
        session.commit()
    finally:
        session.close()


def _rollback_and_close(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()


def _ensure_sqlite_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _install_idle_ping(engine: Engine) -> None:
    """A pooled connection that sat idle for a while is tried (``SELECT 1``) before a
    request gets it, and replaced if the server has gone (a restart, a fail-over). One
    in constant use is not: a ping on every checkout (``pool_pre_ping``) cost every
    request a round trip to the server."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_AFTER_S:
            return
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            dbapi_connection.rollback()
        except Exception as exc:  # the pool discards it and connects afresh
            raise DisconnectionError(str(exc)) from exc


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # straight to the driver: every transaction runs this, and SQLAlchemy's statement
        # machinery (events, logging, result) cost more than the BEGIN itself
        connection.connection.driver_connection.execute(sqlite_begin(connection))


def sqlite_begin(connection: Any) -> str:
    """The BEGIN a SQLite transaction on ``connection`` starts with: IMMEDIATE (the write
    lock) for a write, DEFERRED otherwise. Sent to the driver directly, so it is not among
    the statements SQLAlchemy's events see; tests that watch for the write lock ask here."""
    return _BEGIN_STATEMENTS[connection.get_execution_options().get(_BEGIN_OPTION,
                                                                     "DEFERRED")]


def insert_for(session: Session):  # type: ignore[no-untyped-def]
    """INSERT with ON CONFLICT support for the session's database (SQLite or PostgreSQL)."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
