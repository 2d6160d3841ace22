"""ARCHITECTURE: features depend one way. No two packages under recovery/ import each other, and none but the
app factory gathers from most of them.

Every module under recovery/ is parsed (not imported), and every import in it counts, also one inside a
function: a local import still ties the two folders together. A package is a folder of recovery/ with an
`__init__.py`. Modules directly in recovery/ (db.py, audit.py, models.py, ...) are shared ground or part of
the composition root, not packages; but one that gathers from most packages may be imported by none.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import recovery

SOURCE = Path(recovery.__file__).resolve().parent
REPO = SOURCE.parent
PACKAGES = sorted(p.name for p in SOURCE.iterdir() if (p / "__init__.py").is_file())

# Packages that may gather from more than half of the others, and why. Nothing else may.
GATHERERS = {
    "dashboards": "The two home pages read every feature's facts (ARCHITECTURE.md); no one imports them.",
}

# Where a module may be imported by name at run time (importlib), out of this test's sight: the one
# composition step, which loads each feature's data.py at start-up (recovery/yourdata/__init__.py).
IMPORTS_BY_NAME = {"recovery/yourdata/__init__.py"}


def _modules() -> list[Path]:
    return sorted(p for p in SOURCE.rglob("*.py") if "migrations" not in p.relative_to(SOURCE).parts)


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path, tree: ast.AST) -> set[str]:
    """Every dotted name the module imports, anywhere in it; `from a import b` gives both a and a.b."""
    names: set[str] = set()
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _package_of(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] == "recovery" and len(parts) > 1 and parts[1] in PACKAGES:
        return parts[1]
    return None


def _graph() -> tuple[dict[tuple[str, str], set[str]], dict[str, set[str]]]:
    """(package, package it imports) → the files that import it; and each top-level module → packages it imports."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    top_level: dict[str, set[str]] = {}
    for path in _modules():
        here = _package_of(_module_name(path))
        imported = {p for name in _imported(path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
                    if (p := _package_of(name)) is not None and p != here}
        if here is None:
            top_level[_module_name(path)] = imported
            continue
        for other in imported:
            edges[(here, other)].add(str(path.relative_to(REPO)))
    return edges, top_level


def _too_many(count: int) -> bool:
    return count > (len(PACKAGES) - 1) / 2


def test_the_walk_sees_the_packages_and_their_imports():
    """The parse finds what is known to be there, so an empty graph can't pass by accident."""
    edges, top_level = _graph()
    assert {"accounts", "circle", "tracker", "yourdata"} <= set(PACKAGES)
    assert "recovery/circle/permissions.py" in edges[("circle", "accounts")]
    assert top_level["recovery.models"] >= {"accounts", "tracker", "amends"}
    relative = ast.parse("from . import services\nfrom ..db import db\nfrom .models import User")
    assert _imported(SOURCE / "accounts" / "routes.py", relative) >= {
        "recovery.accounts.services", "recovery.db", "recovery.accounts.models.User"}


def test_no_two_packages_import_each_other():
    """A pair of folders that import each other is one tangle: neither can change, move or be tested alone."""
    edges, _ = _graph()
    pairs = [
        f"{a} <-> {b}:\n    {a} -> {b} in {', '.join(sorted(edges[(a, b)]))}\n"
        f"    {b} -> {a} in {', '.join(sorted(edges[(b, a)]))}"
        for a, b in sorted(edges) if a < b and (b, a) in edges
    ]
    assert not pairs, "Packages that import each other:\n" + "\n".join(pairs)


def test_no_package_but_the_composition_root_gathers_from_most_features():
    """Only recovery/__init__.py (and the top-level modules it alone imports) may reach into most packages."""
    edges, top_level = _graph()
    reaches: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        reaches[a].add(b)
    gatherers = {a: sorted(b) for a, b in reaches.items() if _too_many(len(b)) and a not in GATHERERS}
    assert not gatherers, f"Packages importing more than half of the others (use a registry): {gatherers}"
    stale = [a for a in GATHERERS if not _too_many(len(reaches[a]))]
    assert not stale, f"No longer gathering; take them off GATHERERS: {stale}"
    # A top-level module that gathers (models.py, demo.py) belongs to the composition root: no package
    # may import it, or the package imports every feature through it.
    gathering_modules = {name for name, packages in top_level.items()
                         if _too_many(len(packages)) and name != "recovery"}  # the root runs before any import
    through = sorted(
        f"{path.relative_to(REPO)} imports {name}"
        for path in _modules() if _package_of(_module_name(path)) is not None
        for name in _imported(path, ast.parse(path.read_text(encoding="utf-8")))
        if name in gathering_modules or name.rpartition(".")[0] in gathering_modules
    )
    assert not through, f"Packages importing a module that gathers every feature: {through}"


def test_modules_are_imported_by_name_only_in_the_composition_step():
    """importlib would hide an import from the walk above: only Your data's start-up loader may use it."""
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = node.func if isinstance(node, ast.Call) else None
            name = getattr(called, "attr", None) or getattr(called, "id", None)
            if name in ("import_module", "__import__") and str(path.relative_to(REPO)) not in IMPORTS_BY_NAME:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not found, f"Imports by name outside the composition step: {found}"
