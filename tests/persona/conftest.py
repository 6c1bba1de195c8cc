"""A complete, valid persona, step by step, as the builder's forms post it."""

from __future__ import annotations

from typing import Any

from app.persona.definition import STEPS
from tests.conftest import form_post

VALID: dict[str, dict[str, Any]] = {
    "role": {"role": "Chief Executive Officer", "company": "Northwind Logistics"},
    "expertise": {"expertise-1": "Electric fleets", "expertise-2": "Urban logistics",
                  "expertise-3": "Supply-chain resilience", "interests": "Cycling"},
    "audiences": {"audiences": ["customers", "employees"],
                  "audiences-customers": "Deliveries stay fast as they get cleaner.",
                  "audiences-employees": "There is room to grow with us."},
    "networks": {"networks": ["linkedin", "x"], "voice": "Direct and warm.",
                 "off_limits": "Party politics"},
    "proof": {"proof_points": "Cut emissions 18% in two years\nOpened 12 depots"},
    "x-profile": {"x_name": "Dana Whitfield", "x_bio": "CEO of Northwind. Clean logistics."},
    "linkedin-profile": {"li_headline": "CEO, Northwind Logistics",
                         "li_about": "I run Northwind because clean delivery can be fast."},
    "messages": {"core_messages-1": "Every depot we electrify takes vans off the road.",
                 "core_messages-2": "Fast and clean are not a trade-off.",
                 "core_messages-3": "Our drivers know the city best: we listen."},
}


def save_step(client: Any, slug: str, data: dict[str, Any], action: str = "save") -> Any:
    return form_post(client, f"/persona/steps/{slug}", {**data, "action": action},
                     page=f"/persona/steps/{slug}")


def fill_persona(client: Any, **overrides: dict[str, Any]) -> None:
    for step in STEPS:
        data = {**VALID[step.slug], **overrides.get(step.slug.replace("-", "_"), {})}
        response = save_step(client, step.slug, data)
        assert response.status_code == 200, (step.slug, response.text[:500])
