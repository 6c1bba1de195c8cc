"""A small dataset whose aggregates are worked out by hand (see test_aggregates.py).

Over the four ISO weeks ending with ``today``'s (weeks 3, 2, 1 and 0 weeks ago):

    who  cohort  department  weeks ago: entry                              active weeks
    A    North   Sales       3: LinkedIn 2, comments 4; 2: comments 2;     3
                             1: SSI 50 only; 0: 1 from the plan, SSI 60
    B    North   Sales       2: X 4, connections 8, SSI 40; 5: comments 100 1
    C    North   Finance     0: comments 1, conversations 2, opps 1, SSI 70 1
    D    North   Finance     nothing                                       0
    E    Tiny    Finance     3: other networks 5                           1
    F    Tiny    (none)      2: comments 3                                 1
    G    (none)  Finance     nothing                                       0

and, never counted: a trainer in North and a deactivated executive in North, each with
an entry of 50 comments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.admin import service as admin_service
from app.models import Role, User
from tests.activity_log.conftest import add_entry, monday


@dataclass
class Dataset:
    users: dict[str, User]
    cohorts: dict[str, int]


def build(database, make_user, today: dt.date) -> Dataset:  # type: ignore[no-untyped-def]
    departments = {"A": "Sales", "B": "Sales", "C": "Finance", "D": "Finance",
                   "E": "Finance", "F": None, "G": "Finance"}
    users = {key: make_user(Role.executive, full_name=f"Person {key}", department=dept,
                            email=f"{key.lower()}@corp.example")
             for key, dept in departments.items()}
    users["trainer"] = make_user(Role.trainer, department="Sales")
    users["gone"] = make_user(Role.executive, department="Sales", active=False)
    with database.session(write=True) as s:
        north = admin_service.create_cohort(s, name="North")
        tiny = admin_service.create_cohort(s, name="Tiny")
        cohorts = {"North": north.id, "Tiny": tiny.id}
        for key, cohort in (("A", north), ("B", north), ("C", north), ("D", north),
                            ("E", tiny), ("F", tiny), ("trainer", north), ("gone", north)):
            admin_service.add_user_to_cohorts(s, user=users[key], cohort_ids=[cohort.id])

    def week(n: int) -> dt.date:
        return monday(n, today)

    add_entry(database, users["A"], week(3), posts_linkedin=2, comments=4)
    add_entry(database, users["A"], week(2), comments=2)
    add_entry(database, users["A"], week(1), ssi_total=50.0)
    add_entry(database, users["A"], week(0), plan_posts=1, ssi_total=60.0)
    add_entry(database, users["B"], week(2), posts_x=4, connections=8, ssi_total=40.0)
    add_entry(database, users["B"], week(5), comments=100)
    add_entry(database, users["C"], week(0), comments=1, conversations=2, opportunities=1,
              ssi_total=70.0)
    add_entry(database, users["E"], week(3), posts_other=5)
    add_entry(database, users["F"], week(2), comments=3)
    add_entry(database, users["trainer"], week(1), comments=50)
    add_entry(database, users["gone"], week(1), comments=50)
    return Dataset(users, cohorts)
