"""Type-check the generated TypeScript with the real SDKs: ``tsc --noEmit`` against the
pinned packages in tests/node, one tsc run per framework over every variant.

Each run also holds "mutants": copies of generated files with one option or prop name
misspelt. The run must report errors in every mutant and in nothing else, which proves both
that the generated files type-check and that a name the SDK does not accept fails the suite.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import NODE_DIR, require_node_modules
from template_cases import case_setups

from clerkdomains.scaffold.model import DesiredFile
from clerkdomains.scaffold.templates import desired_files

HARNESS = NODE_DIR / "typecheck"
_ERROR = re.compile(r"^(?P<file>[^\s(][^(]*)\((?P<line>\d+),\d+\): error (?P<code>TS\d+): (?P<text>.*)$")
_SCRIPT = re.compile(r"<script>\n(?P<body>.*?)</script>", re.S)

# framework → packages the files import (tsc fails, not skips, when one is missing)
PACKAGES = {
    "nextjs": ("typescript", "@clerk/nextjs", "next", "react", "@types/react", "@types/node"),
    "tanstack-start": ("typescript", "@clerk/tanstack-react-start", "@tanstack/react-start",
                       "@tanstack/react-router", "react", "@types/react"),
    "nuxt": ("typescript", "@clerk/nuxt", "nuxt", "@nuxt/schema", "vue"),
    "js": ("typescript", "@clerk/clerk-js"),
}

# framework → (variant, app folder, file, the name as generated, a misspelling)
MUTANTS = {
    "nextjs": [
        ("development", "satellite-1", "app/layout.tsx", "isSatellite\n", "isSatelite\n"),
        ("development", "satellite-1", "proxy.ts", "isSatellite: true", "isSatelite: true"),
        ("development", "primary", "app/layout.tsx", "allowedRedirectOrigins=", "allowedRedirectOrigin="),
        ("multi-production", "satellite-1", "proxy.ts", "frontendApiProxy:", "frontendApiProxi:"),
        ("multi-production", "satellite-2", "app/layout.tsx", "satelliteAutoSync\n", "satelliteAutosync\n"),
    ],
    "tanstack-start": [
        ("development", "satellite-1", "src/routes/__root.tsx", "isSatellite\n", "isSatelite\n"),
        ("development", "satellite-1", "src/start.ts", "signInUrl:", "signinUrl:"),
        ("multi-production", "satellite-2", "src/start.ts", "satelliteAutoSync: true", "satelliteAutosync: true"),
    ],
    "nuxt": [
        ("development", "satellite-1", "nuxt.config.ts", "isSatellite: true", "isSatelite: true"),
        ("development", "primary", "nuxt.config.ts", "allowedRedirectOrigins:", "allowedRedirectOrigin:"),
    ],
    "js": [
        ("development", "satellite-1", "src/clerk.ts", "isSatellite:", "isSatelite:"),
        ("development", "satellite-1", "src/clerk.ts", "{ domain:", "{ domian:"),
        ("multi-production", "satellite-1", "src/clerk.ts", "{ proxyUrl:", "{ proxyURL:"),
        ("production", "satellite-1", "clerk-script.ts", "isSatellite: true", "isSatelite: true"),
    ],
}


def typescript_files(files: list[DesiredFile], app_dir: Path) -> dict[str, str]:
    """App-relative path → TypeScript text. The script-tag snippet's inline <script> is
    checked as ``clerk-script.ts``; .vue files are left to vue-tsc (not installed)."""
    out: dict[str, str] = {}
    for f in files:
        rel = f.path.relative_to(app_dir).as_posix()
        if rel.endswith((".ts", ".tsx")):
            out[rel] = f.content
        elif rel.endswith(".html"):
            match = _SCRIPT.search(f.content)
            assert match, f"{rel}: no inline <script>"
            out[rel[:-5] + ".ts"] = match.group("body")
    return out


def generate(framework: str, harness: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(variant, app folder) → its TypeScript files, for every case setup of ``framework``
    (script-tag apps join the js run)."""
    generated: dict[tuple[str, str], dict[str, str]] = {}
    frameworks = [framework] + (["script-tag"] if framework == "js" else [])
    for fw in frameworks:
        for variant, setup in case_setups(fw, harness / "gen" / fw).items():
            files = desired_files(setup)
            for app in setup.apps:
                assert app.path is not None
                mine = [f for f in files if f.app == app.name]
                generated.setdefault((variant, app.path.name), {}).update(typescript_files(mine, app.path))
    return generated


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def run_tsc(harness: Path) -> list[dict[str, str]]:
    tsc = NODE_DIR / "node_modules" / "typescript" / "bin" / "tsc"
    proc = subprocess.run(["node", str(tsc), "--noEmit", "--pretty", "false", "-p", str(harness)],
                          cwd=harness, capture_output=True, text=True, timeout=300)
    errors, current = [], None
    for line in proc.stdout.splitlines():
        match = _ERROR.match(line)
        if match:
            current = match.groupdict()
            errors.append(current)
        elif current is not None and line.startswith(" "):
            current["text"] += "\n" + line.strip()
    assert errors or proc.returncode == 0, f"tsc failed without file errors:\n{proc.stdout}{proc.stderr}"
    return errors


@pytest.mark.parametrize("framework", sorted(PACKAGES))
def test_generated_typescript_type_checks_and_misspelt_names_fail(framework: str, tmp_path: Path) -> None:
    node_modules = require_node_modules(*PACKAGES[framework])
    harness = tmp_path / framework
    shutil.copytree(HARNESS / framework, harness)
    (harness / "node_modules").symlink_to(node_modules, target_is_directory=True)

    generated = generate(framework, harness)
    for (variant, app), files in generated.items():
        write_tree(harness / "apps" / variant / app, files)
    mutant_files: dict[str, str] = {}
    for i, (variant, app, rel, good, bad) in enumerate(MUTANTS[framework], 1):
        files = dict(generated[(variant, app)])
        assert good in files[rel], f"{variant}/{app}/{rel} no longer contains {good!r}"
        files[rel] = files[rel].replace(good, bad, 1)
        write_tree(harness / "mutants" / str(i), files)
        mutant_files[f"mutants/{i}/{rel}"] = re.search(r"[A-Za-z]+", bad).group()

    errors = run_tsc(harness)

    outside = [e for e in errors if not e["file"].startswith("mutants/")]
    assert not outside, "generated files do not type-check:\n" + "\n".join(
        f"{e['file']}({e['line']}): {e['code']} {e['text']}" for e in outside)
    for path, name in mutant_files.items():
        mine = [e for e in errors if e["file"] == path]
        assert mine, f"tsc accepted the misspelt name {name!r} in {path}"
        assert any(name in e["text"] for e in mine), f"{path}: errors do not name {name!r}: {mine}"
