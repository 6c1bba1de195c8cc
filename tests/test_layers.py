"""The house of app/: its dependencies run one way.

Two checks, each of which names the offending import (file and line) when it fails:

* the import-linter contracts of ``pyproject.toml`` (``[tool.importlinter]``): the floors
  of the house, only the web layer importing the web layer, and no circles between the
  parts of any package;
* no circle between any two modules of app/, however long, web layer included.

Both read every import, those inside functions too: a deferred import
(``from app.x import y`` in a function body) is a dependency like any other, and it is how
the circle courses -> quizzes -> learning -> courses once hid. The last tests show, on a
small package made for them, that each check fails when a circle or an upward import
comes back.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
# the lint-imports command, with the interpreter that runs the tests
LINT_IMPORTS = [sys.executable, "-c", "import sys; from importlinter.cli import "
                "lint_imports_command; sys.argv[0] = 'lint-imports'; lint_imports_command()"]


def lint_imports(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LINT_IMPORTS, "--no-cache", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False)


def circles(package: str) -> list[list[str]]:
    """Every circle of imports between the modules of ``package``, as the imports that make
    it (``importer -> imported (l.N: the line)``), from grimp's graph of the package."""
    graph = grimp.build_graph(package, cache_dir=None)
    imports = {module: graph.find_modules_directly_imported_by(module)
               for module in graph.modules}
    found = []
    for component in _strongly_connected(imports):
        if len(component) > 1:
            found.append([_describe(graph, importer, imported)
                          for importer in sorted(component)
                          for imported in sorted(imports[importer] & component)])
    return found


def _describe(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    where = ", ".join(f"l.{d['line_number']}: {d['line_contents']}" for d in details)
    return f"{importer} -> {imported} ({where})"


def _strongly_connected(imports: dict[str, set[str]]) -> Iterator[set[str]]:
    """Tarjan's strongly connected components of the import graph."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(module: str) -> Iterator[set[str]]:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in imports.get(module, ()):
            if imported not in index:
                yield from visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            yield component

    for module in sorted(imports):
        if module not in index:
            yield from visit(module)


# --------------------------------------------------------------------------- the house


def test_the_house_keeps_its_contracts():
    result = lint_imports(ROOT)
    report = result.stdout.partition("Broken contracts")[2] or result.stdout + result.stderr
    assert result.returncode == 0, f"An import of app/ breaks the house:\n{report}"
    assert re.search(r"Contracts: [1-9]\d* kept, 0 broken", result.stdout), result.stdout


def test_no_two_modules_of_app_import_each_other():
    found = circles("app")
    assert not found, "Modules of app/ import each other in a circle:\n" + "\n\n".join(
        "\n".join(f"  {line}" for line in circle) for circle in found)


# ------------------------------------------------------------- the checks can fail


@pytest.fixture
def house(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package of three modules whose lowest one reaches up inside a function, as
    app/quizzes/service.py reached up to learning when a quiz was passed."""
    package = tmp_path / "fakehouse"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "catalogue.py").write_text(textwrap.dedent("""\
        def outline():
            from fakehouse.quizzes import grade  # deferred: hidden at import time

            return grade()
        """))
    (package / "learning.py").write_text("from fakehouse.catalogue import outline\n")
    (package / "quizzes.py").write_text(textwrap.dedent("""\
        from fakehouse.learning import outline


        def grade():
            return outline
        """))
    (tmp_path / ".importlinter").write_text(textwrap.dedent("""\
        [importlinter]
        root_package = fakehouse

        [importlinter:contract:layers]
        name = Catalogue at the bottom
        type = layers
        layers =
            fakehouse.quizzes
            fakehouse.learning
            fakehouse.catalogue
        """))
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_a_circle_through_a_deferred_import_is_found(house: Path):
    assert circles("fakehouse") == [[
        "fakehouse.catalogue -> fakehouse.quizzes "
        "(l.2: from fakehouse.quizzes import grade  # deferred: hidden at import time)",
        "fakehouse.learning -> fakehouse.catalogue "
        "(l.1: from fakehouse.catalogue import outline)",
        "fakehouse.quizzes -> fakehouse.learning (l.1: from fakehouse.learning import outline)",
    ]]


def test_the_layers_contract_names_an_import_that_runs_back_up(house: Path):
    result = lint_imports(house, "--config", ".importlinter")
    assert result.returncode == 1
    assert "1 broken" in result.stdout
    assert "fakehouse.catalogue is not allowed to import fakehouse.quizzes" in result.stdout
    assert "fakehouse.catalogue -> fakehouse.quizzes (l.2)" in result.stdout
