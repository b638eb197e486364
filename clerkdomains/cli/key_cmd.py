"""``clerkdomains key inspect``: decode a publishable key (or recognise a secret one)."""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import ColorOpt, JsonFlag, PlainFormat, PlainFormatOpt, emit, finish, pick_format

app = typer.Typer(no_args_is_help=True, help="Decode and check Clerk keys.")


@app.command("inspect")
def inspect(
    key: Annotated[str, typer.Argument(help="A publishable key (pk_test_/pk_live_), or - to read stdin.",
                                       show_default=False)],
    domain: Annotated[str | None, typer.Option(
        help="A production satellite's domain: also show its Frontend API host clerk.<domain>.")] = None,
    fmt: PlainFormatOpt = None,
    json_: JsonFlag = False,
    color: ColorOpt = "auto",  # type: ignore[assignment]
) -> None:
    """Show a publishable key's instance type, Frontend API host and cookie suffix.

    A secret key is recognised as such and only its type is shown. Exit 2 for a
    key that does not parse, with the SDK's own error text.
    """
    import sys

    from clerkdomains.keyinspect import inspect_key
    from clerkdomains.render.human_key import render_key

    if key == "-":
        key = sys.stdin.readline()
    result = inspect_key(key, domain=domain)
    emit("key inspect", result, pick_format(fmt, json_, PlainFormat), color=color,
         human=lambda c, w: render_key(result, color=c, width=w))
    finish(result.findings)
