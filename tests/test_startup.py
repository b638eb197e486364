"""Start-up stays light: --help and the CLI package never import httpx, dnspython, PyJWT or Rich."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("httpx", "dns", "jwt", "rich")


def _loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('MODULES:', ' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    # only the probe's own line: the help text itself names commands such as `dns`
    return set(out.stdout.rpartition("MODULES:")[2].split())


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\nsys.argv = ['clerkdomains', '--help']\nfrom clerkdomains.cli import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass"
    )
    loaded = _loaded_after(code)
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_subcommand_help_does_not_import_heavy_modules() -> None:
    import typer.main

    from clerkdomains.cli import app

    groups = list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    for name in groups:
        code = (
            f"import sys\nsys.argv = ['clerkdomains', {name!r}, '--help']\nfrom clerkdomains.cli import app\n"
            "try:\n    app()\nexcept SystemExit:\n    pass"
        )
        loaded = _loaded_after(code)
        assert not loaded & set(HEAVY), (name, loaded & set(HEAVY))


def test_python_dash_m_works() -> None:
    out = subprocess.run([sys.executable, "-m", "clerkdomains", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("clerkdomains ")
