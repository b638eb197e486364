"""The package's shape: a sorted, complete public API, and the layering rules, checked by ruff."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import clerkdomains

PKG = Path(clerkdomains.__file__).parent


def test_all_is_sorted_complete_and_resolvable() -> None:
    assert clerkdomains.__all__ == sorted(clerkdomains.__all__)
    assert set(clerkdomains.__all__) == set(clerkdomains._EXPORTS)
    for name in clerkdomains.__all__:
        assert getattr(clerkdomains, name) is not None


def test_library_modules_do_not_import_typer_or_rich() -> None:
    offenders = []
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).as_posix()
        if rel.startswith("cli/") or rel.startswith("render/human"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{rel}: {n}" for n in names if n.split(".")[0] in ("typer", "rich", "click")]
    assert offenders == []


def test_every_module_has_a_docstring() -> None:
    missing = [p.relative_to(PKG).as_posix() for p in PKG.rglob("*.py")
               if p.name != "__main__.py" and not ast.get_docstring(ast.parse(p.read_text()))]
    assert missing == []


def test_ruff_is_clean() -> None:
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(PKG.parent / "clerkdomains"),
                          str(PKG.parent / "tests"), str(PKG.parent / "bench")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
