"""The ``clerkdomains`` command line: a thin Typer layer over the library.

Each command (group) lives in its own module and imports only typer and the standard
library at module level; library modules are imported inside command bodies. The root
group loads a command's module only when that command runs or shows its help
(``_COMMANDS``), so ``clerkdomains --help`` builds no subcommand at all: it stays
within a few milliseconds of importing Typer (bench/startup.py).
"""

from __future__ import annotations

import functools
import importlib
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from clerkdomains import __version__
from clerkdomains.errors import ClerkDomainsError

# name -> (module in this package, its Typer app or command function, the line `--help` shows)
_COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("init_cmd", "init", "Write clerkdomains.toml and each app's env and provider files, never losing your edits."),
    "key": ("key_cmd", "app", "Decode and check Clerk keys."),
    "check": ("check_cmd", "check", "Check every app folder of clerkdomains.toml for multi-domain misconfigurations."),
    "dns": ("dns_cmd", "app", "The DNS records Clerk needs, and whether they are in place."),
    "token": ("token_cmd", "app", "Decode and verify Clerk session tokens."),
    "trace-sync": ("trace_cmd", "trace_sync", "Follow the satellite sync chain hop by hop and say where and why it breaks."),
    "explain": ("explain_cmd", "explain", "What @clerk/backend's authenticateRequest does with exactly this request, and why."),
}


@functools.cache
def load_command(name: str) -> Any:
    """The Click command behind ``name`` (None when there is none), built on first use."""
    entry = _COMMANDS.get(name)
    if entry is None:
        return None
    module = importlib.import_module(f".{entry[0]}", __name__)
    target = getattr(module, entry[1])
    if isinstance(target, typer.Typer):
        target.rich_markup_mode = None  # plain help: Rich costs ~60 ms of start-up
        command = typer.main.get_group(target)  # a group even with one subcommand (`key inspect`)
    else:
        single = typer.Typer(add_completion=False, rich_markup_mode=None)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class _Group(TyperGroup):
    """The root group: loads commands lazily and turns every :class:`ClerkDomainsError`
    into a one-line message and its exit code."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return load_command(cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, entry[2]) for name, entry in _COMMANDS.items()])

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ClerkDomainsError as exc:
            message = exc.message + (f" (hint: {exc.hint})" if exc.hint else "")
            sys.stderr.write(f"clerkdomains: error: {message} [exit {exc.exit_code}]\n")
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    name="clerkdomains",
    cls=_Group,
    help="Set up and debug Clerk multi-domain (satellite) authentication.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"clerkdomains {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Set up and debug Clerk multi-domain (satellite) authentication."""


def main() -> None:
    app()
