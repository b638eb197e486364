"""Type-check the generated TypeScript with the real SDKs: ``tsc --noEmit`` against the
pinned packages in tests/node, one tsc run per framework over every variant.

Each run also holds "mutants": copies of generated files with one option or prop name
misspelt. The run must report errors in every mutant and in nothing else, which proves both
that the generated files type-check and that a name the SDK does not accept fails the suite.

TanStack Start apps first get ``src/routeTree.gen.ts`` from TanStack's real route generator
(so file-route ids are typed). Nuxt apps are checked by ``vue-tsc`` (the .vue files too)
against the ``.nuxt/`` types that ``nuxi prepare`` writes for a real app made of generated
files (see tests/node/typecheck/nuxt/nuxt.config.ts).
"""

from __future__ import annotations

import os
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
                       "@tanstack/react-router", "@tanstack/router-generator", "react", "@types/react"),
    "nuxt": ("typescript", "vue-tsc", "@clerk/nuxt", "nuxt", "@nuxt/schema", "vue"),
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
        ("production", "primary", "src/routes/sign-in.$.tsx", "component: Page", "componnt: Page"),
    ],
    "nuxt": [
        ("development", "satellite-1", "nuxt.config.ts", "isSatellite: true", "isSatelite: true"),
        ("development", "primary", "nuxt.config.ts", "allowedRedirectOrigins:", "allowedRedirectOrigin:"),
        ("development", "satellite-1", "app/components/AuthLinks.vue", 'when="signed-out"', 'whn="signed-out"'),
        ("production", "primary", "app/pages/sign-up/[...slug].vue", "<SignUp />", "<SignUpp />"),
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
    checked as ``clerk-script.ts``; .vue files are checked whole by vue-tsc."""
    out: dict[str, str] = {}
    for f in files:
        rel = f.path.relative_to(app_dir).as_posix()
        if rel.endswith((".ts", ".tsx", ".vue")):
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


def run_checker(harness: Path, *projects: str, vue: bool = False) -> list[dict[str, str]]:
    """tsc (or vue-tsc) ``--noEmit`` over each tsconfig in ``projects``, in parallel; the errors,
    with file paths relative to the harness."""
    checker = NODE_DIR / "node_modules" / ("vue-tsc/bin/vue-tsc.js" if vue else "typescript/bin/tsc")
    runs = [subprocess.Popen(["node", str(checker), "--noEmit", "--pretty", "false", "-p", str(harness / project)],
                             cwd=harness, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for project in projects]
    errors: list[dict[str, str]] = []
    for run in runs:
        stdout, stderr = run.communicate(timeout=300)
        mine, current = [], None
        for line in stdout.splitlines():
            match = _ERROR.match(line)
            if match:
                current = match.groupdict()
                mine.append(current)
            elif current is not None and line.startswith(" "):
                current["text"] += "\n" + line.strip()
        assert mine or run.returncode == 0, f"{checker.name} failed without file errors:\n{stdout}{stderr}"
        errors += mine
    return errors


def generate_route_trees(harness: Path, generated: dict[tuple[str, str], dict[str, str]],
                         mutants: dict[str, dict[str, str]]) -> None:
    """src/routeTree.gen.ts in every TanStack app folder, by TanStack's route generator. It
    rewrites route files whose createFileRoute() id it disagrees with: none may change."""
    trees = {harness / "apps" / variant / app: files for (variant, app), files in generated.items()}
    trees.update({harness / "mutants" / i: files for i, files in mutants.items()})
    proc = subprocess.run(["node", str(harness / "route-tree.mjs"), *map(str, trees)],
                          cwd=harness, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"route generator failed:\n{proc.stdout}{proc.stderr}"
    for root, files in trees.items():
        assert (root / "src" / "routeTree.gen.ts").is_file(), f"no route tree in {root}"
        for rel, text in files.items():
            assert (root / rel).read_text(encoding="utf-8") == text, f"the route generator rewrote {root / rel}"


def prepare_nuxt(harness: Path, generated: dict[tuple[str, str], dict[str, str]]) -> None:
    """Give the harness Nuxt app the generated satellite's composable and component and the
    generated primary's pages, then ``nuxi prepare`` it (offline, no telemetry) into .nuxt/."""
    for app in ("satellite-1", "primary"):
        write_tree(harness, {rel: text for rel, text in generated[("development", app)].items()
                             if rel.startswith("app/")})
    nuxi = NODE_DIR / "node_modules" / "nuxt" / "bin" / "nuxt.mjs"
    env = {**os.environ, "NUXT_TELEMETRY_DISABLED": "1", "CI": "1"}
    proc = subprocess.run(["node", str(nuxi), "prepare", str(harness)], cwd=harness, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and (harness / ".nuxt" / "tsconfig.app.json").is_file(), \
        f"nuxi prepare failed:\n{proc.stdout}{proc.stderr}"


@pytest.mark.parametrize("framework", sorted(PACKAGES))
def test_generated_typescript_type_checks_and_misspelt_names_fail(framework: str, tmp_path: Path) -> None:
    node_modules = require_node_modules(*PACKAGES[framework])
    harness = tmp_path / framework
    shutil.copytree(HARNESS / framework, harness)
    (harness / "node_modules").symlink_to(node_modules, target_is_directory=True)

    generated = generate(framework, harness)
    for (variant, app), files in generated.items():
        write_tree(harness / "apps" / variant / app, files)
    mutants: dict[str, dict[str, str]] = {}
    mutant_files: dict[str, str] = {}
    for i, (variant, app, rel, good, bad) in enumerate(MUTANTS[framework], 1):
        files = dict(generated[(variant, app)])
        assert good in files[rel], f"{variant}/{app}/{rel} no longer contains {good!r}"
        files[rel] = files[rel].replace(good, bad, 1)
        write_tree(harness / "mutants" / str(i), files)
        mutants[str(i)] = files
        mutant_files[f"mutants/{i}/{rel}"] = re.search(r"[A-Za-z]+", bad).group()

    if framework == "tanstack-start":
        generate_route_trees(harness, generated, mutants)
    if framework == "nuxt":
        prepare_nuxt(harness, generated)
        errors = run_checker(harness, "tsconfig.app.json", "tsconfig.node.json", vue=True)
    else:
        errors = run_checker(harness, "tsconfig.json")

    outside = [e for e in errors if not e["file"].startswith("mutants/")]
    assert not outside, "generated files do not type-check:\n" + "\n".join(
        f"{e['file']}({e['line']}): {e['code']} {e['text']}" for e in outside)
    for path, name in mutant_files.items():
        mine = [e for e in errors if e["file"] == path]
        assert mine, f"the checker accepted the misspelt name {name!r} in {path}"
        assert any(name in e["text"] for e in mine), f"{path}: errors do not name {name!r}: {mine}"
