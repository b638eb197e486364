"""Start-up stays light: --help never imports httpx, dnspython, PyJWT, Rich or pydantic,
and a command imports only what it uses."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("httpx", "dns", "jwt", "rich", "pydantic")


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
    from clerkdomains.cli import _COMMANDS

    assert len(_COMMANDS) == 7
    for name in _COMMANDS:
        code = (
            f"import sys\nsys.argv = ['clerkdomains', {name!r}, '--help']\nfrom clerkdomains.cli import app\n"
            "try:\n    app()\nexcept SystemExit:\n    pass"
        )
        loaded = _loaded_after(code)
        assert not loaded & set(HEAVY), (name, loaded & set(HEAVY))


def test_python_dash_m_works() -> None:
    out = subprocess.run([sys.executable, "-m", "clerkdomains", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("clerkdomains ")


def test_a_command_imports_only_what_it_uses() -> None:
    """`key inspect` needs no network, DNS or JWT library, and Typer must not pull in pydantic
    (Typer 0.29 made it a dependency; pyproject keeps typer below 0.29 for this)."""
    code = (
        "import sys\nsys.argv = ['clerkdomains', 'key', 'inspect', 'pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk',"
        " '--json']\nfrom clerkdomains.cli import app\ntry:\n    app()\nexcept SystemExit:\n    pass"
    )
    loaded = _loaded_after(code)
    assert not loaded & {"httpx", "dns", "jwt", "pydantic"}, loaded & {"httpx", "dns", "jwt", "pydantic"}


def test_root_help_lists_every_command_without_loading_it() -> None:
    """The root help reads the command table; each entry must match its command's own help."""
    from clerkdomains.cli import _COMMANDS, load_command

    for name, (_module, _attr, line) in _COMMANDS.items():
        assert load_command(name).get_short_help_str(300) == line, name
    code = (
        "import sys\nsys.argv = ['clerkdomains', '--help']\nfrom clerkdomains.cli import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass"
    )
    loaded = _loaded_after(code)
    assert "clerkdomains" in loaded
    modules = subprocess.run([sys.executable, "-c", code + "\nprint('CMD:', ' '.join(m for m in sys.modules if m.endswith('_cmd')))"],
                             capture_output=True, text=True, check=True).stdout.rpartition("CMD:")[2].split()
    assert modules == []
