"""The ``clerkdomains`` command line: a thin Typer layer over the library.

Each command group lives in its own module and imports only typer and the
standard library at module level; library modules are imported inside command
bodies so ``clerkdomains --help`` never loads httpx, dnspython or PyJWT.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from clerkdomains import __version__
from clerkdomains.errors import ClerkDomainsError


class _Group(TyperGroup):
    """Turns every :class:`ClerkDomainsError` into a one-line message and its exit code."""

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


def _register() -> None:
    from . import key_cmd

    app.add_typer(key_cmd.app, name="key")
    from . import init_cmd

    app.command("init")(init_cmd.init)
    from . import check_cmd

    app.command("check")(check_cmd.check)
    from . import dns_cmd

    app.add_typer(dns_cmd.app, name="dns")
    from . import token_cmd

    app.add_typer(token_cmd.app, name="token")
    from . import trace_cmd

    app.command("trace-sync")(trace_cmd.trace_sync)


_register()


def main() -> None:
    app()
