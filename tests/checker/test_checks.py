"""Each kind of finding, with drafts that should raise it and drafts that should not, in
English, German, French, Chinese and Japanese."""

from __future__ import annotations

import datetime as dt

import pytest

from app.checker import lexicon
from app.checker.checks import (
    ClosedPeriod,
    Draft,
    Finding,
    Phrase,
    Rules,
    Severity,
    check,
)

RULES = Rules(
    phrases=(Phrase("Projekt Falke", Severity.STOP, "Internal code name: not public yet.",
                    lexicon.LessonRef("when-a-post-goes-wrong")),
             Phrase("confidential", Severity.CAUTION, "Never post what is marked so."),
             Phrase("机密", Severity.STOP, "Confidential in Chinese."),
             Phrase("Globex", Severity.INFO, "A competitor: no comments on them.")),
    organisations=("Contoso", "Fabrikam Logistique", "华为"),
    closed_periods=(ClosedPeriod("Q4 results", dt.date(2027, 1, 10), dt.date(2027, 1, 31)),),
)


def bold(text: str) -> str:
    """``text`` in mathematical bold letters (what "bold" generators paste)."""
    return "".join(chr(0x1D400 + ord(ch) - ord("A")) if "A" <= ch <= "Z" else
                   chr(0x1D41A + ord(ch) - ord("a")) if "a" <= ch <= "z" else ch
                   for ch in text)


def kinds(text: str, **draft: object) -> list[str]:
    return [f.kind for f in check(Draft(text, **draft), RULES)]  # type: ignore[arg-type]


def found(text: str, kind: str, **draft: object) -> list[Finding]:
    return [f for f in check(Draft(text, **draft), RULES) if f.kind == kind]  # type: ignore[arg-type]


CLEAN = [
    "Proud of the team that opened our Lyon depot this week.",
    "Stolz auf das Team, das diese Woche unser Depot in Lyon eröffnet hat.",
    "Fiers de l'équipe qui a ouvert notre dépôt de Lyon cette semaine.",
    "为本周开设里昂仓库的团队感到骄傲。",
    "今週リヨン倉庫を開設したチームを誇りに思います。",
]


@pytest.mark.parametrize("text", CLEAN)
def test_a_plain_post_raises_nothing(text: str) -> None:
    assert check(Draft(text, networks=("linkedin", "x")), RULES) == []


# --- disclosure ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "We expect a strong finish to the year.",
    "Our guidance stays unchanged.",
    "What a record quarter for the team!",
    "Wir erwarten ein starkes nächstes Quartal.",
    "Nous prévoyons une belle croissance au prochain trimestre.",
    "我们预计下季度增长强劲。",
    "来期の見通しは明るいです。",
])
def test_forward_looking_language(text: str) -> None:
    findings = found(text, "disclosure")
    assert len(findings) == 1
    assert findings[0].severity is Severity.CAUTION
    assert findings[0].lesson == lexicon.DISCLOSURE


@pytest.mark.parametrize("text", [
    "Revenue grew 12% this year.",
    "EBITDA margin of 18.5 %",
    "Umsatz: 3,2 Mio. € im Quartal",
    "Un chiffre d'affaires de 40 millions d'euros.",
    "营收增长20%。",
])
def test_figures_with_revenue_words(text: str) -> None:
    reasons = [f.reason for f in found(text, "disclosure")]
    assert any("revenue, margin or profit" in r for r in reasons)


@pytest.mark.parametrize("text", [
    "We expanded to 12 cities and 40,000 neighbours.",  # figures, no revenue words
    "Our sales team is the best.",  # a revenue word, no figure
    "Wir haben 2026 zwölf Depots eröffnet.",
    "Nous attendions ce moment.",  # "attendions" is not "nous attendons"
])
def test_no_disclosure_finding(text: str) -> None:
    assert found(text, "disclosure") == []


@pytest.mark.parametrize(("day", "inside"), [
    (dt.date(2027, 1, 9), False), (dt.date(2027, 1, 10), True), (dt.date(2027, 1, 20), True),
    (dt.date(2027, 1, 31), True), (dt.date(2027, 2, 1), False), (None, False),
])
def test_closed_period_boundaries(day: dt.date | None, inside: bool) -> None:
    findings = found("A quiet post.", "disclosure", day=day)
    assert bool(findings) is inside
    if inside:
        assert "“Q4 results”" in findings[0].reason
        assert findings[0].lesson == lexicon.CLOSED_PERIOD
        assert findings[0].severity is Severity.CAUTION  # advice, never a stop


# --- organisation phrases -------------------------------------------------------------------

def test_phrases_carry_their_severity_explanation_and_lesson() -> None:
    findings = found("Heute startet PROJEKT FALKE; der Plan bleibt confidential.", "phrase")
    assert [(f.severity, f.reason) for f in findings] == [
        (Severity.STOP, "“Projekt Falke”: Internal code name: not public yet."),
        (Severity.CAUTION, "“confidential”: Never post what is marked so."),
    ]
    assert findings[0].lesson == lexicon.LessonRef("when-a-post-goes-wrong")
    assert findings[1].lesson is None


@pytest.mark.parametrize(("text", "expected"), [
    ("这是机密文件。", ["机密"]),
    ("Rumeurs sur Globex : pas de commentaire.", ["Globex"]),
    ("Die Falkenberg-Studie, globexpress und Projektfalke.", []),
    ("Un document confidentiel.", []),  # French spelling is not on the list
])
def test_phrases_in_several_scripts(text: str, expected: list[str]) -> None:
    assert [f.reason.split("”")[0].lstrip("“") for f in found(text, "phrase")] == expected


def test_the_most_serious_finding_comes_first() -> None:
    findings = check(Draft("Globex, Projekt Falke and confidential."), RULES)
    assert [f.severity for f in findings] == [Severity.STOP, Severity.CAUTION, Severity.INFO]


# --- personal data --------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Write to anna.schmidt@example.com for details.",
    "Schreiben Sie an jürgen.müller@beispiel.de.",
    "Appelez-moi au +33 6 12 34 56 78.",
    "Ruf an: 030 1234 5678",
    "电话\uff1a+86 138 0013 8000",
    "Call (212) 555-0199 today",
])
def test_personal_data_found(text: str) -> None:
    assert [f.severity for f in found(text, "personal-data")] == [Severity.CAUTION]
    assert found(text, "personal-data")[0].lesson == lexicon.PRIVACY


@pytest.mark.parametrize("text", [
    "We met on 2026-12-04 with 40,000 neighbours.",
    "Umsatz 1.234.567 Besucher",  # a large number, not a phone number
    "Follow @podium for more.",  # a mention, not an email
    "Our 2027 plan has 12 depots and 300 vans.",
])
def test_no_personal_data(text: str) -> None:
    assert found(text, "personal-data") == []


# --- partnerships ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Great day at Contoso's headquarters.",
    "Ein toller Tag mit fabrikam logistique in Lyon.",
    "今天和华为一起开会。",
])
def test_partner_named_without_disclosure(text: str) -> None:
    assert [f.kind for f in found(text, "partnership")] == ["partnership"]


@pytest.mark.parametrize("text", [
    "Great day with our client Contoso.",
    "Ein Tag mit unserem Partner Fabrikam Logistique.",
    "Une journée avec notre partenaire Fabrikam Logistique.",
    "今天和合作伙伴华为一起开会。",
    "Contoso and us: #ad",
    "Nothing about any company here.",
])
def test_partner_disclosed_or_not_named(text: str) -> None:
    assert found(text, "partnership") == []


# --- accessibility --------------------------------------------------------------------------

def test_styled_letters() -> None:
    assert len(found(f"{bold('Big news')} today", "accessibility")) == 1
    assert found("Big news today", "accessibility") == []


def test_lowercase_multiword_hashtags_but_not_camel_case_or_cjk() -> None:
    assert "#supplychain" in found("Read on #supplychain", "accessibility")[0].reason
    assert found("Read on #SupplyChain and #Lieferkette and #供应链管理", "accessibility") == []


@pytest.mark.parametrize(("networks", "count", "flagged"), [
    (("linkedin",), 3, False), (("linkedin",), 4, True), (("x",), 2, False),
    (("x",), 3, True), (("instagram",), 5, False),
])
def test_hashtag_count_per_network(networks: tuple[str, ...], count: int, flagged: bool) -> None:
    text = "Post " + " ".join(f"#Tag{n}" for n in range(count))
    findings = [f for f in found(text, "accessibility", networks=networks)
                if "hashtags:" in f.reason]
    assert bool(findings) is flagged


def test_image_needs_a_description() -> None:
    assert len(found("Look", "accessibility", has_image=True)) == 1
    assert found("Look", "accessibility", has_image=True,
                 image_description="Our team in front of the Lyon depot") == []
    assert found("Look", "accessibility", has_image=False) == []


@pytest.mark.parametrize(("text", "flagged"), [
    ("THIS IS HUGE NEWS for us", True),
    ("DAS IST EINE SENSATION heute", True),
    ("UNGLAUBLICHE Ergebnisse", True),  # one long word in capitals
    ("Our CEO met the CFO at NASA", False),  # acronyms
    ("Il a rejoint l'OCDE et l'ONU", False),
])
def test_all_caps_runs(text: str, flagged: bool) -> None:
    assert bool([f for f in found(text, "accessibility") if "Capitals" in f.reason]) is flagged


# --- links and mentions ---------------------------------------------------------------------

def test_links_and_mentions_counted_with_the_x_weighting() -> None:
    findings = found("See https://example.com/a/very/long/path and thank @ana and @ben",
                     "links", networks=("x",))
    assert [f.reason for f in findings] == [
        "1 link and 2 mentions. X counts every link as 23 characters, however long."]
    linkedin = found("See https://example.com/a", "links", networks=("linkedin",))
    assert linkedin[0].reason == "1 link and 0 mentions."


def test_shortened_links_and_many_mentions() -> None:
    reasons = [f.reason for f in found("Voir bit.ly/3abc et https://t.co/xyz", "links")]
    assert any("shortened link" in r for r in reasons)
    many = " ".join(f"@person{n}" for n in range(6))
    assert any("6 mentions" in f.reason for f in found(many, "links"))
    assert found("Pas de lien ici, écrivez à ana@example.com", "links") == []


# --- AI assistance ---------------------------------------------------------------------------

def test_ai_tick_reminds_of_the_rules() -> None:
    assert [f.lesson for f in found("Hi", "ai", ai_assisted=True)] == [lexicon.AI]
    assert found("Hi", "ai", ai_assisted=False) == []


def test_kinds_are_all_covered() -> None:
    text = ("Projekt Falke: we expect revenue up 12%. Mail ana@example.com. Contoso rocks. "
            "#bigannouncement https://bit.ly/x")
    assert set(kinds(text, has_image=True, ai_assisted=True, networks=("x",))) == {
        "disclosure", "phrase", "personal-data", "partnership", "accessibility", "links",
        "ai"}
