"""``clerkdomains token decode|verify``: read and verify Clerk session tokens like the SDK."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import (
    ColorOpt,
    JsonFlag,
    ReportFormat,
    ReportFormatOpt,
    emit,
    err,
    finish,
    pick_format,
)

app = typer.Typer(no_args_is_help=True, help="Decode and verify Clerk session tokens.")


TokenArg = Annotated[str | None, typer.Argument(
    help="A token, a 'Cookie:' header line, '__session=...' pairs, or - for stdin.", show_default=False)]
ShowTokenOpt = Annotated[bool, typer.Option("--show-token", help="Also print the raw token.")]
NowOpt = Annotated[str | None, typer.Option(
    "--now", help="Judge the token as of this moment: ISO 8601 time or unix seconds.")]


def _read_input(token: str | None) -> str:
    import sys

    from clerkdomains.tokens.inputs import read_bounded

    if token is None or token == "-":
        return read_bounded(sys.stdin)
    return token


def _parse_now(text: str | None) -> float | None:
    if text is None:
        return None
    import datetime as dt

    from clerkdomains.errors import InputError
    from clerkdomains.tokens.verify import check_now

    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"--now {text!r} is neither an ISO 8601 time nor unix seconds") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        seconds = moment.timestamp()
    try:
        return check_now(seconds)
    except InputError:
        raise InputError(f"--now {text!r} is not a moment a clock can show: give finite unix seconds "
                         "or an ISO 8601 time") from None


def _skew_ms(seconds: float) -> float:
    import math

    from clerkdomains.errors import InputError

    if not math.isfinite(seconds) or abs(seconds) > 86400:
        raise InputError(f"--clock-skew {seconds!r}: give finite seconds within ±86400")
    return seconds * 1000


@app.command("decode")
def decode(
    token: TokenArg = None,
    show_token: ShowTokenOpt = False,
    now: NowOpt = None,
    fmt: ReportFormatOpt = None,
    json_: JsonFlag = False,
    color: ColorOpt = "auto",  # type: ignore[assignment]
) -> None:
    """Show a token's header and claims with readable times and what each Clerk claim means.

    Nothing is verified. Exit 2 when the input holds no decodable token.
    """
    from clerkdomains.errors import InputError
    from clerkdomains.render.human_token import render_decode
    from clerkdomains.tokens import decode_unverified
    from clerkdomains.tokens.decoding import MAX_DECODE_BYTES
    from clerkdomains.tokens.inputs import find_token
    from clerkdomains.tokens.report import decode_report

    source = find_token(_read_input(token))
    when = _parse_now(now)
    if len(source.token) > MAX_DECODE_BYTES:
        raise InputError(f"the token is {len(source.token)} characters long; token decode shows tokens of "
                         f"at most {MAX_DECODE_BYTES} (a session cookie is about 1 KB)")
    report = decode_report(source, decode_unverified(source.token), now=when, show_token=show_token)
    emit("token decode", report, pick_format(fmt, json_, ReportFormat), color=color,
         human=lambda c, w: render_decode(report, color=c, width=w))
    finish(report.findings)


@app.command("verify")
def verify(
    token: TokenArg = None,
    authorized_party: Annotated[list[str] | None, typer.Option(
        "--authorized-party", metavar="ORIGIN", help="An accepted azp origin (repeatable). Default with --config: "
        "every app origin.")] = None,
    issuer: Annotated[list[str] | None, typer.Option(
        "--issuer", metavar="URL", help="An accepted iss (repeatable). Default with --config: each app's Frontend API URL.")] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", envvar="CLERKDOMAINS_CONFIG", dir_okay=False,
        help="clerkdomains.toml: accept every app origin as azp and each app's Frontend API as iss "
             "(default: found upwards from the current folder, like the other commands).")] = None,
    clock_skew: Annotated[float, typer.Option("--clock-skew", help="Allowed clock skew in seconds.")] = 5.0,
    now: NowOpt = None,
    jwt_key: Annotated[Path | None, typer.Option(
        "--jwt-key", help="PEM public key (like CLERK_JWT_KEY): no network.")] = None,
    jwks: Annotated[str | None, typer.Option("--jwks", metavar="FILE|URL", help="JWKS file or URL.")] = None,
    api_url: Annotated[str | None, typer.Option(
        "--api-url", envvar="CLERK_API_URL", help="Backend API base URL for /v1/jwks (with CLERK_SECRET_KEY).")] = None,
    cacert: Annotated[Path | None, typer.Option(
        "--cacert", dir_okay=False, help="CA bundle for https key URLs.")] = None,
    batch: Annotated[bool, typer.Option(
        "--batch", help="One token per stdin line; one JSON result per line; summary on stderr.")] = False,
    show_token: ShowTokenOpt = False,
    fmt: ReportFormatOpt = None,
    json_: JsonFlag = False,
    color: ColorOpt = "auto",  # type: ignore[assignment]
) -> None:
    """Verify a session token in @clerk/backend's order and report the SDK's reason code.

    Keys: --jwt-key, --jwks, CLERK_JWT_KEY, CLERK_SECRET_KEY (Backend API /v1/jwks), else the
    Frontend API's /.well-known/jwks.json. Exit 0 valid, 1 invalid, 2 not a token, 3 keys
    could not be fetched.
    """
    from clerkdomains.tokens.runner import VerifyOptions, run_batch, run_single

    options = VerifyOptions(
        authorized_parties=authorized_party or [], issuers=issuer or [], config=config, find_config=True,
        clock_skew_ms=_skew_ms(clock_skew), now=_parse_now(now), jwt_key=jwt_key, jwks=jwks,
        api_url=api_url, cacert=str(cacert) if cacert else None)
    if batch:
        import sys

        code, summary = run_batch(sys.stdin, sys.stdout, options)
        err(summary)
        raise typer.Exit(code)
    from clerkdomains.render.human_token import render_verify
    from clerkdomains.render.markdown import render_token_verify_markdown

    report = run_single(_read_input(token), options, show_token=show_token)
    emit("token verify", report, pick_format(fmt, json_, ReportFormat), color=color,
         human=lambda c, w: render_verify(report, color=c, width=w), markdown=lambda: render_token_verify_markdown(report))
    finish(report.findings, 0 if report.ok else 1)
