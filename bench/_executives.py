"""The hot-path benchmark's people, made with the app's own services: the only part of
``bench/hot_paths.py`` that imports ``app`` (everything it measures goes through URLs).

Run from the project root in the app's environment (``PODIUM_DATABASE_URL`` …); the
runner does this::

    python bench/_executives.py create --prefix bench-exec --count 64 --course SLUG
        executives ``<prefix>-0001@bench.podium.example`` …, enrolled in the course, each
        with a signed-in session; prints one JSON line per person: {"email", "token"}
        (the ``podium_session`` cookie). The password is ``app.demo.DEMO_PASSWORD``, hashed
        once for all of them (argon2 takes ~50 ms a hash). ``--open a,b`` records those
        lessons as opened (the rows ``record_open`` writes when the lesson page is first
        visited), as they are when an executive presses "Mark as complete".
    python bench/_executives.py sessions --prefix bench-exec --count 64
        a new signed-in session for each of the first N of them, printed the same way (a
        session's last-seen time is written again on its first request 60 s or more after
        the last write: a session started just before a measured run keeps that write out
        of it).
    python bench/_executives.py completed --prefix bench-first --course SLUG
        prints how many lessons of the course people with that address prefix completed.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.admin.service import create_user
from app.auth.service import hash_params, start_session
from app.config import Settings
from app.db import Database
from app.demo import DEMO_PASSWORD
from app.enrolments.service import enrol_users
from app.learning import summary
from app.models import Course, Lesson, LessonProgress, Role, User, utcnow
from app.security.passwords import hash_password

DOMAIN = "bench.podium.example"
BATCH = 250  # people per transaction


def get_course(session: Session, slug: str) -> Course | None:
    return session.exec(select(Course).where(Course.slug == slug)).first()


def email(prefix: str, number: int) -> str:
    return f"{prefix}-{number:04d}@{DOMAIN}"


def create(database: Database, settings: Settings, *, prefix: str, first: int, count: int,
           course_slug: str, open_slugs: list[str]) -> list[dict[str, str]]:
    password_hash = hash_password(DEMO_PASSWORD, hash_params(settings))
    people: list[dict[str, str]] = []
    for start in range(first, first + count, BATCH):
        numbers = range(start, min(start + BATCH, first + count))
        with database.session(write=True) as session:
            course = get_course(session, course_slug)
            if course is None:
                raise SystemExit(f"no course {course_slug!r}")
            users = []
            for number in numbers:
                user = create_user(session, settings, email=email(prefix, number),
                                   full_name=f"Bench Executive {prefix} {number}",
                                   role=Role.executive, department="Bench")
                user.password_hash = password_hash
                session.add(user)
                users.append(user)
            session.flush()
            enrol_users(session, course=course, users=users,
                        due_date=date.today() + timedelta(days=42))
            lessons = session.exec(select(Lesson).where(Lesson.course_id == course.id,
                                                        col(Lesson.slug).in_(open_slugs))).all()
            if len(lessons) != len(set(open_slugs)):
                raise SystemExit(f"not all of these lessons are in {course_slug}: {open_slugs}")
            # the rows ``record_open`` writes, in one go; the summary refreshed once a batch
            now = utcnow()
            session.add_all([LessonProgress(user_id=user.id, lesson_id=lesson.id,
                                            first_opened_at=now, last_opened_at=now,
                                            seconds_spent=0, last_beat_at=now)
                             for user in users for lesson in lessons])
            session.flush()
            if lessons:
                summary.refresh(session, course_id=course.id, user_ids=[u.id for u in users])
            people += [{"email": user.email,
                        "token": start_session(session, settings, user=user,
                                               user_agent="podium-bench")}
                       for user in users]
    return people


def sessions(database: Database, settings: Settings, *, prefix: str,
             count: int) -> list[dict[str, str]]:
    emails = [email(prefix, number) for number in range(1, count + 1)]
    with database.session(write=True) as session:
        users = session.exec(select(User).where(col(User.email).in_(emails))
                             .order_by(col(User.email))).all()
        if len(users) != count:
            raise SystemExit(f"found {len(users)} of the {count} people {prefix}-…")
        return [{"email": user.email,
                 "token": start_session(session, settings, user=user, user_agent="podium-bench")}
                for user in users]


def completed(database: Database, *, prefix: str, course_slug: str) -> int:
    with database.session() as session:
        course = get_course(session, course_slug)
        if course is None:
            raise SystemExit(f"no course {course_slug!r}")
        return session.exec(
            select(func.count()).select_from(LessonProgress)
            .join(User, col(User.id) == LessonProgress.user_id)
            .join(Lesson, col(Lesson.id) == LessonProgress.lesson_id)
            .where(col(User.email).startswith(f"{prefix}-"),
                   Lesson.course_id == course.id,
                   col(LessonProgress.completed_at).is_not(None))).one()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("create")
    make.add_argument("--prefix", required=True)
    make.add_argument("--first", type=int, default=1)
    make.add_argument("--count", type=int, required=True)
    make.add_argument("--course", required=True)
    make.add_argument("--open", default="", help="lesson slugs to record as opened, a,b,…")
    renew = commands.add_parser("sessions")
    renew.add_argument("--prefix", required=True)
    renew.add_argument("--count", type=int, required=True)
    count = commands.add_parser("completed")
    count.add_argument("--prefix", required=True)
    count.add_argument("--course", required=True)
    args = parser.parse_args(argv)
    settings = Settings()
    database = Database(settings.database_url)
    try:
        if args.command == "create":
            for person in create(database, settings, prefix=args.prefix, first=args.first,
                                 count=args.count, course_slug=args.course,
                                 open_slugs=[s for s in args.open.split(",") if s]):
                print(json.dumps(person))
        elif args.command == "sessions":
            for person in sessions(database, settings, prefix=args.prefix, count=args.count):
                print(json.dumps(person))
        else:
            print(completed(database, prefix=args.prefix, course_slug=args.course))
    finally:
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
