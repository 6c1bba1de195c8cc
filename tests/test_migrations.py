"""The schema comes only from migrations: models and migrations agree, and every
migration can be undone and redone (on SQLite and, with PODIUM_TEST_DATABASE_URL, on
PostgreSQL)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app import migrate
from tests.dbutil import throwaway_database


def _diff(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": migrate.include_name})
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_and_models_match():
    with throwaway_database("mig") as url:
        migrate.upgrade(url)
        assert _diff(url) == []
        expected = {t.name for t in SQLModel.metadata.sorted_tables}
        assert expected <= _tables(url)

        migrate.downgrade(url, "base")
        assert _tables(url) <= {"alembic_version"}

        migrate.upgrade(url)
        assert _diff(url) == []
        assert expected <= _tables(url)


def test_progress_summary_is_filled_from_existing_progress():
    """0005 adds the enrolment summary and computes it from the rows already there."""
    from sqlalchemy import text

    rows = {
        "user_account": "id, email, full_name, role, locale, is_active, created_at, updated_at",
        "course": "id, slug, title, summary, audience, estimated_hours, completion_rule, "
                  "sequential, created_at, updated_at",
        "course_module": "id, course_id, slug, title, summary, position",
        "lesson": "id, course_id, module_id, slug, title, kind, minutes, required, position, "
                  "body_md, body_html, updated_at",
        "enrolment": "id, user_id, course_id, enrolled_at",
        "lesson_progress": "user_id, lesson_id, first_opened_at, last_opened_at, completed_at, "
                           "seconds_spent",
        "quiz_attempt": "id, lesson_id, user_id, number, started_at, submitted_at, layout, "
                        "score, needs_grading",
    }
    t0, t1, t2 = "2026-01-05 09:00:00", "2026-01-06 10:00:00", "2026-01-07 11:30:00"
    values = {
        "user_account": [(1, "a@example.com", "A", "executive", "en", True, t0, t0),
                         (2, "b@example.com", "B", "executive", "en", True, t0, t0)],
        "course": [(1, "c", "C", "", "", 1.0, "all-required", False, t0, t0)],
        "course_module": [(1, 1, "m", "M", "", 1)],
        "lesson": [(1, 1, 1, "one", "One", "reading", 5, True, 1, "", "", t0),
                   (2, 1, 1, "two", "Two", "reading", 5, True, 2, "", "", t0),
                   (3, 1, 1, "three", "Three", "reading", 5, False, 3, "", "", t0),
                   (4, 1, 1, "quiz", "Quiz", "quiz", 5, True, 4, "", "", t0)],
        "enrolment": [(1, 1, 1, t0), (2, 2, 1, t0)],
        "lesson_progress": [(1, 1, t1, t1, t1, 120), (1, 3, t1, t2, t2, 30),
                            (1, 2, t2, t2, None, 15)],
        "quiz_attempt": [(1, 4, 1, 1, t1, t1, "[]", 40.0, False),
                         (2, 4, 1, 2, t2, t2, "[]", 85.0, False)],
    }
    with throwaway_database("mig5") as url:
        migrate.upgrade(url, "0004")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                for table, columns in rows.items():
                    names = [c.strip() for c in columns.split(",")]
                    placeholders = ", ".join(f":{n}" for n in names)
                    statement = text(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})")
                    conn.execute(statement, [dict(zip(names, row, strict=True))
                                             for row in values[table]])
            migrate.upgrade(url)
            with engine.connect() as conn:
                found = conn.execute(text(
                    "SELECT user_id, progress_percent, seconds_spent, quizzes_scored, "
                    "quiz_best_total, started_at IS NOT NULL, last_activity_at IS NOT NULL "
                    "FROM enrolment ORDER BY user_id")).all()
        finally:
            engine.dispose()
    # required: one, two, quiz; one completed → 33 %; best quiz score 85 over one quiz
    assert [tuple(r) for r in found] == [(1, 33, 165, 1, 85.0, True, True),
                                         (2, 0, 0, 0, 0.0, False, False)]


def test_cohort_keys_are_filled_and_names_equal_but_for_case_kept_apart():
    """0008 gives every cohort its case-folded key; names that only differed by case or
    form (allowed before) get a number, so no cohort is lost; keys fit their column."""
    from sqlalchemy import text

    from app.content.keys import KEY_MAX, text_key

    names = ["Équipe Nord", "équipe nord", "ÉQUIPE NORD", "ß" * 120, "Board"]
    with throwaway_database("mig8") as url:
        migrate.upgrade(url, "0007")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO cohort (id, name, created_at) "
                                  "VALUES (:id, :name, '2026-01-05 09:00:00')"),
                             [{"id": n, "name": name} for n, name in enumerate(names, 1)])
            migrate.upgrade(url)
            with engine.connect() as conn:
                found = conn.execute(text("SELECT name, name_key FROM cohort ORDER BY id")).all()
        finally:
            engine.dispose()
    assert [row[0] for row in found] == ["Équipe Nord", "équipe nord (2)", "ÉQUIPE NORD (3)",
                                         "ß" * 120, "Board"]
    assert [row[1] for row in found] == [text_key(row[0]) for row in found]
    assert len(found[3][1]) == KEY_MAX and found[3][1].startswith("ss" * 40)


def test_user_time_zone_is_added_empty_and_removed_on_downgrade():
    """0010 gives every account a time zone column, empty (the organisation's zone) for
    the accounts already there; downgrading removes it and keeps the accounts."""
    from sqlalchemy import text

    with throwaway_database("mig10") as url:
        migrate.upgrade(url, "0009")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO user_account (id, email, full_name, role, locale, is_active, "
                    "created_at, updated_at) VALUES (1, 'a@example.com', 'Ada', 'executive', "
                    "'en', true, '2026-01-05 09:00:00', '2026-01-05 09:00:00')"))
            migrate.upgrade(url)
            with engine.begin() as conn:
                assert conn.execute(text("SELECT email, time_zone FROM user_account")).all() \
                    == [("a@example.com", None)]
                conn.execute(text("UPDATE user_account SET time_zone = 'Europe/Berlin'"))
                assert conn.execute(text("SELECT time_zone FROM user_account")).scalar() \
                    == "Europe/Berlin"
            migrate.downgrade(url, "0009")
            columns = {c["name"] for c in inspect(engine).get_columns("user_account")}
            assert "time_zone" not in columns and "email" in columns
            with engine.connect() as conn:
                assert conn.execute(text("SELECT email FROM user_account")).scalar() \
                    == "a@example.com"
        finally:
            engine.dispose()
