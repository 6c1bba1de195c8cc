"""Organisation phrases are found case-insensitively, on word boundaries in scripts that
space their words and anywhere in Chinese or Japanese text, and never read as patterns."""

from __future__ import annotations

import pytest

from app.checker.matching import fold, matcher
from tests.checker.test_checks import bold


@pytest.mark.parametrize(("term", "text"), [
    ("Projekt Falke", "Heute startet das PROJEKT FALKE in Köln."),
    ("Projekt Falke", "Das Projekt\nFalke startet."),  # any white space between words
    ("Straße", "Die neue STRASSE ist fertig."),  # casefold: ß is ss
    ("Übernahme", "Gerüchte über eine übernahme."),
    ("confidentiel", "Ce document est CONFIDENTIEL."),
    ("Opération Mistral", "Lancement de l'opération Mistral demain."),
    ("Élan", "Notre projet élan avance."),
    ("机密", "这是机密文件\uff0c请勿外传。"),
    ("鷹プロジェクト", "来月、鷹プロジェクトを発表します。"),
    ("Falke", "我们的Falke项目下个月启动。"),  # Latin name inside Chinese text
    ("confidential", f"This is {bold('confidential')} news."),  # styled letters: letters
    ("C++ (beta)", "We ship c++ (beta) today."),
    ("#teamfalcon", "Proud of #TeamFalcon!"),
])
def test_found(term: str, text: str) -> None:
    assert matcher([term]).find(text) == [" ".join(term.split())]


@pytest.mark.parametrize(("term", "text"), [
    ("Falke", "Die Falkenberg GmbH wächst."),  # inside a longer German word
    ("Falke", "Das Projektfalke-Team"),
    ("Élan", "Un élancement réussi."),  # inside a French word
    ("client", "Nos clientèles évoluent."),
    ("机密", "这是公开文件。"),
    ("Falke", "我们的Falken项目。"),
    ("a.b", "axb"),  # "." is not "any character"
    ("x*", "xxxx"),  # "*" is not a repetition
    ("(beta", "the beta release"),
])
def test_not_found(term: str, text: str) -> None:
    assert matcher([term]).find(text) == []


def test_longest_term_wins_and_each_is_listed_once_as_the_list_spells_it() -> None:
    found = matcher(["Falke", "Projekt Falke", "Confidential"]).find(
        "projekt falke is CONFIDENTIAL. Falke again; projekt  falke again.")
    assert found == ["Projekt Falke", "Confidential", "Falke"]


def test_blank_list_matches_nothing() -> None:
    empty = matcher(["", "   "])
    assert not empty
    assert empty.find("anything") == []


def test_fold_reads_every_script_the_same_way() -> None:
    assert fold("STRASSE") == fold("straße")
    assert fold("\uff21\uff22\uff23") == "abc"
    assert fold("a \n\t b") == "a b"
