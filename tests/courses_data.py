from __future__ import annotations

from app.config import PROJECT_ROOT
from app.courses.spec import CourseSpec, LessonSpec, ModuleSpec

SHIPPED = PROJECT_ROOT / "courses" / "executive-enablement"


def small_spec(*, sequential: bool = False, body_extra: str = "") -> CourseSpec:
    """Two modules, three required lessons and one optional."""
    return CourseSpec(
        slug="pilot", title="Pilot course", summary="A short course.", audience="Testers",
        estimated_hours=1, sequential=sequential,
        modules=[
            ModuleSpec(slug="basics", title="Basics", summary="First steps.", lessons=[
                LessonSpec(slug="hello", title="Hello", minutes=5,
                           body="Welcome. See [next](world.md).\n" + body_extra),
                LessonSpec(slug="world", title="World", minutes=5, body="The world.\n"),
                LessonSpec(slug="extra", title="Extra reading", minutes=5, body="Optional.\n",
                           required=False),
            ]),
            ModuleSpec(slug="advanced", title="Advanced", summary="Next steps.", lessons=[
                LessonSpec(slug="deep", title="Deep dive", minutes=10,
                           body="Back to [hello](../basics/hello.md#top).\n"),
            ]),
        ],
    )
