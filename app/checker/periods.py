"""Closed periods that HR or admins set (e.g. the weeks before results): a label and the
first and last day. A draft dated inside one gets a disclosure finding; nothing is
blocked."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.checker.lists import Parsed
from app.content.dates import parse_date
from app.models import ClosedPeriod, utcnow

LABEL_MAX = 120
LONGEST_DAYS = 366


def list_periods(session: Session) -> list[ClosedPeriod]:
    return list(session.exec(select(ClosedPeriod).order_by(col(ClosedPeriod.starts_on),
                                                           col(ClosedPeriod.id))).all())


def get_period(session: Session, period_id: int) -> ClosedPeriod | None:
    return session.get(ClosedPeriod, period_id)


def parse_period(form: Mapping[str, str]) -> Parsed:
    values = {name: (form.get(name) or "").strip() if isinstance(form.get(name), str) else ""
              for name in ("label", "starts_on", "ends_on")}
    values["label"] = " ".join(values["label"].split())
    errors: dict[str, str] = {}
    if not values["label"]:
        errors["label"] = "Name the period, e.g. “Q4 results”."
    elif len(values["label"]) > LABEL_MAX:
        errors["label"] = f"Keep the label to {LABEL_MAX} characters."
    days = {}
    for name in ("starts_on", "ends_on"):
        try:
            days[name] = parse_date(values[name])
        except ValueError as exc:
            errors[name] = str(exc)
    if len(days) == 2:
        if days["ends_on"] < days["starts_on"]:
            errors["ends_on"] = "The last day is before the first day."
        elif (days["ends_on"] - days["starts_on"]).days >= LONGEST_DAYS:
            errors["ends_on"] = "A closed period lasts at most a year."
    return Parsed(values, errors)


def save_period(session: Session, *, parsed: Parsed,
                existing: ClosedPeriod | None = None) -> ClosedPeriod:
    values = parsed.values
    period = existing or ClosedPeriod(label="", starts_on=parse_date(values["starts_on"]),
                                      ends_on=parse_date(values["ends_on"]))
    period.label = values["label"]
    period.starts_on = parse_date(values["starts_on"])
    period.ends_on = parse_date(values["ends_on"])
    period.updated_at = utcnow()
    session.add(period)
    session.flush()
    audit.record(session, action="closed-period.saved", target_type="closed-period",
                 target_id=period.id, target_label=period.label,
                 details={"starts_on": period.starts_on, "ends_on": period.ends_on,
                          "new": existing is None})
    return period


def delete_period(session: Session, *, period: ClosedPeriod) -> None:
    audit.record(session, action="closed-period.deleted", target_type="closed-period",
                 target_id=period.id, target_label=period.label)
    session.delete(period)
    session.flush()
