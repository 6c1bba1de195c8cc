"""The floor of the CSV export: the app's own SELECT, run by the bare DB-API driver and
written with the ``csv`` module, in a process that imports nothing of the app.

Two steps, each its own process (``bench/reports.py`` runs both):

``capture``
    imports the app, builds the CSV export of a view exactly as ``podium reports export``
    does (``app.reports.exports.report``) and records the SQL text and parameters the
    driver receives for the rows' query (the first statement sent when the rows are
    read), and the header row, into a pickle file. The query is not run.

``run``
    reads that file, connects with ``sqlite3`` or ``psycopg`` alone, executes the same
    SQL with the same parameters (streamed: a server-side cursor of the app's batch size
    on PostgreSQL, as SQLAlchemy's ``yield_per`` does), and writes the header and every
    row as the driver returns them with ``csv.writer``, after a UTF-8 byte-order mark.
    Prints the rows and the seconds from connecting to closing the file.

    .venv/bin/python bench/reports_bare.py capture --database-url URL --course SLUG QUERY
    .venv/bin/python bench/reports_bare.py run QUERY URL OUT.csv
"""

from __future__ import annotations

import argparse
import csv
import pickle
import sys
import time
from pathlib import Path
from typing import Any

SERVER_CURSOR_ROWS = 2_000  # the app's BATCH (app/reports/exports.py)


class Captured(Exception):
    """Raised by the cursor hook to stop the rows' query before it runs."""


def capture(database_url: str, course: str, out: Path) -> None:
    from datetime import date

    from sqlalchemy import event

    from app.db import Database
    from app.reports import exports, service
    from app.reports.filters import parse

    database = Database(database_url)
    seen: dict[str, Any] = {}
    try:
        with database.session() as session:
            query = parse({"course": course})
            where = service.scope(session, query.filter, today=date.today())
            report = exports.report(session, where)

            def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any,
                     _context: Any, _many: bool) -> None:
                seen.update(sql=statement, params=parameters)
                raise Captured

            event.listen(database.engine, "before_cursor_execute", grab)
            try:
                next(iter(report.rows))
            except Captured:
                pass
            except Exception as exc:  # SQLAlchemy may wrap what the hook raised
                if not isinstance(exc.__cause__ or exc.__context__, Captured) and "sql" not in seen:
                    raise
            finally:
                event.remove(database.engine, "before_cursor_execute", grab)
                session.rollback()
    finally:
        database.dispose()
    if "sql" not in seen:
        raise SystemExit("capture: the export sent no query")
    out.write_bytes(pickle.dumps({"sql": seen["sql"], "params": seen["params"],
                                  "headers": list(report.headers)}))
    print(f"captured {len(seen['sql'])} characters of SQL, {len(report.headers)} columns")


def run(query_file: Path, database_url: str, out: Path) -> None:
    query = pickle.loads(query_file.read_bytes())  # noqa: S301 (written by capture, above)
    started = time.perf_counter()
    rows = 0
    if database_url.startswith("sqlite"):
        import sqlite3

        connection: Any = sqlite3.connect(database_url.split(":///", 1)[1])
        cursor = connection.cursor()
    else:
        import psycopg

        scheme, rest = database_url.split("://", 1)
        connection = psycopg.connect(f"{scheme.split('+', 1)[0]}://{rest}")
        cursor = connection.cursor(name="bare_export")  # streamed, like yield_per
        cursor.itersize = SERVER_CURSOR_ROWS
    try:
        cursor.execute(query["sql"], query["params"])
        with out.open("w", encoding="utf-8", newline="") as handle:
            handle.write("\ufeff")
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(query["headers"])
            for row in cursor:
                writer.writerow(row)
                rows += 1
        cursor.close()
    finally:
        connection.close()
    print(f"bare: {rows} rows in {time.perf_counter() - started:.3f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    steps = parser.add_subparsers(dest="step", required=True)
    grab = steps.add_parser("capture", help="record the export's SQL (imports the app)")
    grab.add_argument("--database-url", required=True)
    grab.add_argument("--course", required=True)
    grab.add_argument("query", type=Path)
    bare = steps.add_parser("run", help="run the recorded SQL with the driver alone")
    bare.add_argument("query", type=Path)
    bare.add_argument("database_url")
    bare.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.step == "capture":
        capture(args.database_url, args.course, args.query)
    else:
        run(args.query, args.database_url, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
