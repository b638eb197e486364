"""#11: ``init`` killed with SIGKILL at random points of a large apply leaves every file with
its old bytes or its new bytes, never a mix, and the next run cleans up after it.

A real child process runs ``init``'s library call (:func:`clerkdomains.scaffold.runner.run_init`,
what the command runs after parsing its flags) on a project of 12 apps whose env files hold
thousands of user lines; the test kills it with ``SIGKILL`` at a random moment (seeded) of the
run, 50 times, alternating between two configs so that every try changes every env file.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from scaffold_helpers import PK

SATELLITES = 11
USER_LINES = 1500
TRIES = 50
CHILD = """
import sys
from clerkdomains.config import load_setup
from clerkdomains.scaffold.runner import run_init
setup = load_setup(sys.argv[1])
print("ready", flush=True)
result = run_init(setup, write_config=False, use_git=False)
print("done", flush=True)
"""


def _config(root: Path, port: int) -> Path:
    lines = [f'[instance]\npublishable_key = "{PK}"\n',
             f'[primary]\nurl = "http://localhost:{port}"\npath = "apps/primary"\n']
    for i in range(1, SATELLITES + 1):
        lines.append(f'[[satellite]]\nurl = "http://localhost:{port + i}"\npath = "apps/satellite-{i}"\n')
    path = root / f"config-{port}.toml"
    path.write_text("\n".join(lines))
    return path


def _files(root: Path) -> dict[str, bytes]:
    out = {}
    for path in sorted((root / "apps").rglob("*")):
        if path.is_file():
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def _start(config: Path, root: Path) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(config)], cwd=root, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready", child.stderr.read() if child.stderr else ""
    return child


def _run_fully(config: Path, root: Path) -> float:
    child = _start(config, root)
    started = time.monotonic()
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0 and "done" in out, err
    return time.monotonic() - started


def test_sigkill_during_apply_never_leaves_a_mixed_file(tmp_path: Path) -> None:
    rng = random.Random(11)
    root = tmp_path
    configs = [_config(root, 3000), _config(root, 5000)]
    for i in range(1, SATELLITES + 1):  # large user env files the merge must carry over
        env = root / f"apps/satellite-{i}/.env.local"
        env.parent.mkdir(parents=True)
        env.write_text("".join(f"USER_SETTING_{n}=value-{i}-{n}\n" for n in range(USER_LINES)))
    _run_fully(configs[0], root)
    state_a = _files(root)
    durations = [_run_fully(configs[1], root)]
    state_b = _files(root)
    durations.append(_run_fully(configs[0], root))
    assert _files(root) == state_a, "the two configs must flip the files between two fixed states"
    changing = [name for name in state_a if state_a[name] != state_b[name]]
    assert len(changing) > SATELLITES, "every env file (and more) differs between the two configs"
    window = max(durations)

    interrupted = 0
    for attempt in range(TRIES):
        child = _start(configs[(attempt + 1) % 2], root)
        time.sleep(rng.uniform(0, window))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
        files = _files(root)
        temps = [name for name in files if ".clerkdomains-" in name and name.endswith(".tmp")]
        finals = {name: data for name, data in files.items() if name not in temps}
        assert set(finals) == set(state_a), f"try {attempt}: files appeared or vanished"
        for name, data in finals.items():
            assert data in (state_a[name], state_b[name]), f"try {attempt}: {name} is neither old nor new"
        in_a = sum(finals[n] == state_a[n] for n in changing)
        if temps or 0 < in_a < len(changing):
            interrupted += 1
    assert interrupted >= 3, f"only {interrupted} of {TRIES} kills landed during the apply; the test proves little"

    _run_fully(configs[0], root)  # a run after the kills: everything new, every stale temp file gone
    assert _files(root) == state_a
    leftovers = [p for p in root.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    assert all(os.stat(root / f"apps/satellite-{i}/.env.local").st_mode & 0o777 in (0o600, 0o644)
               for i in range(1, SATELLITES + 1))
