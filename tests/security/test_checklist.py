"""Every numbered line of docs/SECURITY.md is named in the docstring of at least one test."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAMED = re.compile(r"SECURITY\.md ((?:\d+(?:\s*(?:,|/|and)\s*)?)+)")


def checklist_lines() -> set[int]:
    text = (ROOT / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    return {int(n) for n in re.findall(r"^(\d+)\. ", text, flags=re.MULTILINE)}


def named_by_tests() -> dict[int, list[str]]:
    """Line number -> the tests whose docstrings name it."""
    named: dict[int, list[str]] = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                for group in NAMED.findall(ast.get_docstring(node) or ""):
                    for number in re.findall(r"\d+", group):
                        named.setdefault(int(number), []).append(f"{path.relative_to(ROOT)}::{node.name}")
    return named


def test_every_security_line_is_named_by_a_test():
    """Each line of the security bar has at least one test that says it proves that line."""
    lines = checklist_lines()
    assert lines == set(range(1, 38)), "docs/SECURITY.md changed: check its numbering"
    named = named_by_tests()
    assert sorted(lines - named.keys()) == [], "these SECURITY.md lines have no test naming them"
    assert set(named) <= lines, f"tests name lines that don't exist: {sorted(set(named) - lines)}"


def test_the_docstring_reader_understands_lists():
    """'SECURITY.md 16, 7 and 14' and 'SECURITY.md 18/20' name each of their numbers."""
    groups = NAMED.findall("SECURITY.md 16, 7 and 14: x. SECURITY.md 18/20: y")
    assert [re.findall(r"\d+", g) for g in groups] == [["16", "7", "14"], ["18", "20"]]
