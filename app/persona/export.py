"""The approved persona as a one-page Markdown document.

Every answer is the executive's own text, so it is escaped for Markdown: punctuation
that Markdown or HTML would act on is backslash-escaped, so the file renders as the
words that were written (no links, images, HTML or headings smuggled in)."""

from __future__ import annotations

import re

from app.content import moments
from app.content.limits import see_more_split
from app.persona.definition import FIELDS, NETWORKS
from app.persona.service import ApprovedPersona

# CommonMark lets any ASCII punctuation be backslash-escaped.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&\"'=:])")


def escape_markdown(text: str) -> str:
    lines = [_MARKDOWN_ACTIVE.sub(r"\\\1", line.strip()) for line in text.strip().split("\n")]
    return "  \n".join(line for line in lines)  # keep line breaks as hard breaks


def _bold_then_plain(visible: str, rest: str) -> str:
    """The part before "see more" in bold, then the rest, keeping the space between."""
    if not visible:
        return ""
    bold = f"**{escape_markdown(visible)}**"
    if not rest.strip():
        return bold
    return bold + (" " if rest[:1].isspace() else "") + escape_markdown(rest)


def persona_markdown(persona: ApprovedPersona) -> str:
    data, owner = persona.data, persona.owner
    networks = {c.value: c.label for c in NETWORKS}
    out: list[str] = [
        f"# Digital persona: {escape_markdown(owner.full_name)}",
        "",
        f"Approved version {persona.version.number}"
        + (f", {moments.day(persona.version.reviewed_at)}" if persona.version.reviewed_at else ""),
        "",
        f"**{escape_markdown(data.get('role', ''))}**, {escape_markdown(data.get('company', ''))}",
        "",
    ]

    def section(title: str, body: list[str]) -> None:
        if any(line.strip() for line in body):
            out.extend([f"## {title}", "", *body, ""])

    expertise = FIELDS["expertise"].items(data.get("expertise"))  # type: ignore[attr-defined]
    section("Expertise", [f"- {escape_markdown(e)}" for e in expertise if e.strip()])
    section("Interests", [escape_markdown(data.get("interests", ""))])
    audiences = FIELDS["audiences"].chosen(data.get("audiences"))  # type: ignore[attr-defined]
    section("Audiences", [f"- **{escape_markdown(a['name'])}**: {escape_markdown(a['note'])}"
                          for a in audiences])
    picked = FIELDS["networks"].picked(data.get("networks"))  # type: ignore[attr-defined]
    section("Networks", [", ".join(networks[n] for n in picked)])
    section("Voice and tone", [escape_markdown(data.get("voice", ""))])
    section("Topics I do not discuss", [escape_markdown(data.get("off_limits", ""))])
    proof = [p for p in str(data.get("proof_points", "")).split("\n") if p.strip()]
    section("Proof points", [f"- {escape_markdown(p)}" for p in proof])
    section("X profile", [f"**Display name:** {escape_markdown(data.get('x_name', ''))}", "",
                          f"**Bio:** {escape_markdown(data.get('x_bio', ''))}"]
            if data.get("x_name") or data.get("x_bio") else [])
    if data.get("li_headline") or data.get("li_about"):
        visible, rest = see_more_split(str(data.get("li_about", "")))
        section("LinkedIn profile", [
            f"**Headline:** {escape_markdown(data.get('li_headline', ''))}", "",
            "**About** (the part before “see more” in bold):", "",
            _bold_then_plain(visible, rest)])
    messages = FIELDS["core_messages"].items(data.get("core_messages"))  # type: ignore[attr-defined]
    section("Core messages", [f"{n}. {escape_markdown(m)}"
                              for n, m in enumerate([m for m in messages if m.strip()], 1)])
    return "\n".join(out).rstrip() + "\n"
