"""The persona builder's steps and fields, with the guidance and examples shown beside
each one. The order of ``STEPS`` is the order of the guided form."""

from __future__ import annotations

from typing import Any

from app.workbooks.schema import (
    Choice,
    ChoicesField,
    Field,
    ListField,
    PairsField,
    Row,
    Step,
    limit,
)

KIND = "persona"

NETWORKS = (
    Choice("linkedin", "LinkedIn"),
    Choice("x", "X"),
    Choice("instagram", "Instagram"),
    Choice("threads", "Threads"),
    Choice("youtube", "YouTube"),
)

AUDIENCES = (
    Choice("customers", "Customers"),
    Choice("employees", "Employees"),
    Choice("investors", "Investors"),
    Choice("media", "Media"),
    Choice("partners", "Partners"),
    Choice("talent", "Future talent"),
    Choice("peers", "Peers and industry"),
)

STEPS: tuple[Step, ...] = (
    Step(
        "role", "Role and company",
        "Start with the facts people check first: what you do and where.",
        (
            Field("role", "Your role", max_length=120,
                  help="Your title as your colleagues would recognise it.",
                  example="Chief Executive Officer",
                  missing="Add your role, e.g. Chief Financial Officer."),
            Field("company", "Your company", max_length=120,
                  help="The organisation you speak for, as it is known publicly.",
                  example="Northwind Logistics",
                  missing="Add the company you speak for, e.g. Northwind Logistics."),
        ),
    ),
    Step(
        "expertise", "Expertise and interests",
        "What you can speak about with authority, and what you care about beyond the job.",
        (
            ListField("expertise", "Areas of expertise", minimum=3, maximum=5, max_length=100,
                      item_label="Area of expertise",
                      help="Three subjects where your experience adds something a journalist "
                           "or a peer could not (the course's advice; up to five fit here). "
                           "Be specific.",
                      example="Decarbonising last-mile delivery",
                      missing="Add at least {minimum} areas of expertise (you have {filled} "
                              "so far), e.g. Decarbonising last-mile delivery."),
            Field("interests", "Interests", multiline=True, max_length=1_000,
                  help="Causes, pastimes or subjects you follow: they make you a person, "
                       "not a press release.",
                  example="Long-distance cycling; apprenticeships in engineering",
                  missing="Add a few interests beyond the job, e.g. long-distance cycling."),
        ),
    ),
    Step(
        "audiences", "Audiences",
        "Who you want to reach, and the one thing each of them should take away.",
        (
            PairsField("audiences", "Audiences and takeaways", choices=AUDIENCES,
                       help="Tick each audience you mean to reach and write, in one sentence, "
                            "what they should remember after reading you.",
                       example="Employees: our network is growing and there is room to grow "
                               "with it.",
                       missing="Tick at least one audience you want to reach and say what "
                               "it should take away."),
        ),
    ),
    Step(
        "networks", "Networks and voice",
        "Where you will be present, how you sound there, and what you leave alone.",
        (
            ChoicesField("networks", "Networks you will use", choices=NETWORKS,
                         help="Pick the networks where your audiences are. Podium writes "
                              "profile copy for LinkedIn and X.",
                         missing="Tick the networks you will use, e.g. LinkedIn."),
            Field("voice", "Voice and tone", multiline=True, max_length=500,
                  help="Three or four words and a sentence on how you want to come across.",
                  example="Direct, curious, warm. I explain decisions, I do not announce them.",
                  missing="Describe how you want to sound, e.g. direct, curious, warm."),
            Field("off_limits", "Topics you will not discuss", multiline=True, max_length=1_000,
                  help="Draw the line before you need it: subjects you will not comment on "
                       "in public, and why.",
                  example="Party politics; pending litigation; my family",
                  missing="Name the topics you will not discuss, e.g. party politics."),
        ),
    ),
    Step(
        "proof", "Proof points",
        "Achievements, figures and stories you may share: the evidence behind your claims.",
        (
            Field("proof_points", "Proof points", multiline=True, max_length=2_000,
                  help="One per line. Only what is public or cleared for sharing.",
                  example="Cut delivery emissions 18% in two years across 40 depots",
                  missing="Add at least one proof point you may share, e.g. a result with "
                          "a figure."),
        ),
    ),
    Step(
        "x-profile", "X profile",
        "A name people recognise and a bio that says what you are there to talk about.",
        (
            Field("x_name", "X display name", limit=limit("x-name"), required=False,
                  help="Your own name, perhaps with your role; no slogans.",
                  example="Dana Whitfield · CEO, Northwind"),
            Field("x_bio", "X bio", multiline=True, limit=limit("x-bio"), required=False,
                  help="Who you are, what you post about, and one human detail.",
                  example="CEO @Northwind. Posts on cleaner logistics, supply chains and "
                          "the people who run them. Cyclist."),
        ),
    ),
    Step(
        "linkedin-profile", "LinkedIn profile",
        "A headline that carries your value, and an About section that tells the story.",
        (
            Field("li_headline", "LinkedIn headline", limit=limit("linkedin-headline"),
                  required=False,
                  help="Role and company, then what you are building and for whom.",
                  example="CEO, Northwind Logistics | Building zero-emission delivery for "
                          "European cities"),
            Field("li_about", "LinkedIn About section", multiline=True,
                  limit=limit("linkedin-about"), required=False,
                  help="Lead with what matters: only the first ~200 characters show before "
                       "“see more”. Then your story, your proof points, and what you post.",
                  example="I run Northwind because logistics can be clean and still fast."),
        ),
    ),
    Step(
        "messages", "Core messages",
        "Three to five short posts that say what you stand for, each fit for X.",
        (
            ListField("core_messages", "Core messages", multiline=True, minimum=3, maximum=5,
                      item_label="Core message",
                      limit=limit("x-post"),
                      help="Each one a complete post of at most 280 characters as X counts "
                           "them: a link counts as 23, emoji and CJK characters as 2.",
                      example="Every depot we electrify takes 300 diesel vans off city "
                              "streets. Here is what we learned doing the first ten.",
                      missing="Write at least {minimum} core messages (you have {filled} "
                              "so far)."),
        ),
    ),
)

FIELDS = {f.name: f for step in STEPS for f in step.fields}
STEP_BY_SLUG = {step.slug: step for step in STEPS}
X_FIELDS = ("x_name", "x_bio")
LINKEDIN_FIELDS = ("li_headline", "li_about")


def submit_errors(data: dict[str, Any]) -> dict[str, str]:
    """Everything that must change before the persona can be submitted, per field."""
    from app.workbooks.schema import step_errors

    errors: dict[str, str] = {}
    for step in STEPS:
        errors.update(step_errors(step, data, submitting=True))
    networks = FIELDS["networks"].picked(data.get("networks"))  # type: ignore[attr-defined]
    if "networks" not in errors and not {"x", "linkedin"} & set(networks):
        errors["networks"] = "Choose LinkedIn or X (or both): Podium builds copy for them."
    for network, names in (("x", X_FIELDS), ("linkedin", LINKEDIN_FIELDS)):
        if network in networks:
            for name in names:
                if name not in errors and FIELDS[name].empty(data.get(name)):
                    chosen = "X" if network == "x" else "LinkedIn"
                    errors[name] = (f"Add your {FIELDS[name].label}: you chose {chosen} as "
                                    f"one of your networks.")
    return errors


def step_of(field_name: str) -> Step:
    return next(step for step in STEPS if any(f.name == field_name for f in step.fields))


def rows(data: dict[str, Any]) -> list[Row]:
    return [row for step in STEPS for f in step.fields for row in f.rows(data.get(f.name))]


def started(data: dict[str, Any]) -> bool:
    return any(not f.empty(data.get(f.name)) for f in FIELDS.values())
