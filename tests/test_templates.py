"""Golden-file tests for the ``init`` templates: every framework × role × instance type,
plus a production setup with two satellites (one with proxy_url, one with auto_sync).

Regenerate with ``CLERKDOMAINS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_templates.py``
and read the diff: the goldens are what users get.
"""

from __future__ import annotations

import os
import shutil
from importlib.resources import files
from pathlib import Path

import pytest
from template_cases import FRAMEWORKS, case_setups, env_text, golden_dir_for, manifest

from clerkdomains.scaffold import _options
from clerkdomains.scaffold.templates import app_folder, desired_files

GOLDEN = Path(__file__).parent / "golden"
# read at import: the autouse fixture clears CLERKDOMAINS_* before each test runs
UPDATE_GOLDEN = os.environ.get("CLERKDOMAINS_UPDATE_GOLDEN") == "1"


def rendered(framework: str, root: Path) -> dict[str, str]:
    """Golden-relative path → text, for every variant and app of ``framework``."""
    out: dict[str, str] = {}
    for variant, setup in case_setups(framework, root).items():
        files = desired_files(setup)
        for app in setup.apps:
            app_dir = app_folder(setup, app)
            mine = [f for f in files if f.app == app.name]
            base = golden_dir_for(variant, app_dir.name)
            out[f"{base}/_manifest.txt"] = manifest(mine, app_dir)
            for f in mine:
                rel = f.path.relative_to(app_dir).as_posix()
                out[f"{base}/{rel}"] = env_text(f) if f.kind == "env" else f.content
    return out


def on_disk(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_templates_match_golden_files(framework: str, tmp_path: Path) -> None:
    got = rendered(framework, tmp_path)
    folder = GOLDEN / framework
    if UPDATE_GOLDEN:
        shutil.rmtree(folder, ignore_errors=True)
        for rel, text in got.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text, encoding="utf-8")
    want = on_disk(folder)
    assert sorted(got) == sorted(want), "generated and golden file sets differ"
    for rel in sorted(got):
        assert got[rel] == want[rel], f"{framework}/{rel} differs from its golden file"


def test_every_packaged_template_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file under clerkdomains/templates/ is read (through importlib.resources) by some
    variant of the golden setups: no template is dead or unreachable."""
    used: set[str] = set()
    real = _options.template_text

    def recording(framework: str, name: str) -> str:
        used.add(f"{framework}/{name}")
        return real(framework, name)

    monkeypatch.setattr(_options, "template_text", recording)
    for framework in FRAMEWORKS:
        rendered(framework, tmp_path / framework)
    root = files("clerkdomains") / "templates"
    packaged = {f"{d.name}/{f.name}" for d in root.iterdir() if d.is_dir() for f in d.iterdir()}
    assert packaged and used == packaged
