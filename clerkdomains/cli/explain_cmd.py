"""``clerkdomains explain``: what @clerk/backend's authenticateRequest does with exactly one
request, and why. A thin adapter over :mod:`clerkdomains.explain`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ._common import ColorOpt, ConfigOpt, JsonFlag, PlainFormat, PlainFormatOpt, emit, pick_format

HELP = "What @clerk/backend's authenticateRequest does with exactly this request, and why."


def explain(
    url: Annotated[str | None, typer.Argument(help="The request URL (absolute, fragment included).",
                                              show_default=False)] = None,
    method: Annotated[str, typer.Option("--request", "-X", help="Request method.")] = "GET",
    header: Annotated[list[str] | None, typer.Option(
        "--header", "-H", help='"Name: value" request header, sent as given (repeatable, order kept).')] = None,
    cookie: Annotated[list[str] | None, typer.Option(
        "--cookie", "-b", help="name=value cookie(s) (repeatable; joined with any Cookie header into one, "
                               "as a browser sends them).")] = None,
    curl: Annotated[str | None, typer.Option(
        "--curl", help="A DevTools 'Copy as cURL (bash)' command instead of URL/-X/-H/-b.")] = None,
    har: Annotated[Path | None, typer.Option("--har", dir_okay=False, help="A HAR export; see --entry.")] = None,
    entry: Annotated[int | None, typer.Option(
        "--entry", help="With --har: the index in log.entries, from 0.")] = None,
    raw: Annotated[str | None, typer.Option(
        "--raw", help="A file holding a raw HTTP/1.1 request, or - for stdin.")] = None,
    raw_scheme: Annotated[str, typer.Option(
        "--raw-scheme", help="With --raw: the scheme of an origin-form target.")] = "http",
    app_name: Annotated[str | None, typer.Option(
        "--app", help="Take the options of this app of clerkdomains.toml: primary, satellite-1, ...")] = None,
    config: ConfigOpt = None,
    option: Annotated[list[str] | None, typer.Option(
        "--option", help="name=value: set one authenticateRequest option by its SDK name (publishableKey, "
                         "secretKey, isSatellite, domain, proxyUrl, signInUrl, signUpUrl, satelliteAutoSync, "
                         "authorizedParties (repeatable), jwtKey, apiUrl, audience, clockSkewInMs).")] = None,
    jwt_key: Annotated[str | None, typer.Option(
        "--jwt-key", help="PEM public key (file path or the PEM text): the jwtKey option.")] = None,
    now: Annotated[str | None, typer.Option(
        help="Clock: Unix seconds or ISO-8601 (default: now; with --har the entry's start time).")] = None,
    sdk_version: Annotated[str | None, typer.Option(
        "--sdk-version", help="@clerk/backend version to model (default: the pinned one, or the app's).")] = None,
    handshake_payload: Annotated[list[str] | None, typer.Option(
        "--handshake-payload", help="NONCE=FILE: what the Backend API returns for a nonce (its JSON, or one "
                                    "Set-Cookie directive per line; repeatable).")] = None,
    show_tokens: Annotated[bool, typer.Option("--show-tokens", help="Show JWTs in full (redacted by default).")
                           ] = False,
    expect: Annotated[str | None, typer.Option(
        "--expect", help="STATUS[:REASON]: exit 1 unless the SDK answers so (a CI assertion).")] = None,
    fmt: PlainFormatOpt = None,
    json_: JsonFlag = False,
    color: ColorOpt = "auto",  # type: ignore[assignment]
) -> None:
    """What @clerk/backend's authenticateRequest does with exactly this request, and why.

    The request is used exactly as given: method, URL with its fragment, headers in order;
    nothing is added (no sec-fetch-dest, no accept, no cookies of a simulated browser).
    The options are only those of --app (clerkdomains.toml) and --option, plus
    CLERK_SECRET_KEY / CLERK_PUBLISHABLE_KEY from the environment. Shows status, reason,
    message, Location, Set-Cookie and the x-clerk-auth-* headers, the rule of the SDK's
    decision list that fired and the change to try. Exit 0 when the SDK answered (1 with
    --expect when the answer differs), 2 for bad input or a configuration error the SDK throws.
    """
    from clerkdomains.errors import InputError
    from clerkdomains.explain import Expectation, build_options, from_flags, read_payload
    from clerkdomains.explain import explain as run_explain

    chosen = pick_format(fmt, json_, PlainFormat)
    sources = [name for name, given in (("URL", url), ("--curl", curl), ("--har", har), ("--raw", raw))
               if given is not None]
    if len(sources) != 1:
        raise InputError("give exactly one request: URL, --curl, --har FILE --entry N, or --raw FILE"
                         + (f" (got {', '.join(sources)})" if sources else ""))
    if sources[0] != "URL" and (header or cookie or method != "GET"):
        raise InputError(f"-X/-H/-b describe a URL request; {sources[0]} already holds the whole request")
    if entry is not None and har is None:
        raise InputError("--entry goes with --har")
    clock: float | None = None
    if url is not None:
        request = from_flags(url, method=method, headers=header or (), cookies=cookie or ())
    elif curl is not None:
        from clerkdomains.explain.curl import parse_curl

        request = parse_curl(curl)
    elif har is not None:
        from clerkdomains.explain.har import parse_har_entry

        if entry is None:
            raise InputError("--har needs --entry N (the index in log.entries, from 0)")
        request, clock = parse_har_entry(har, entry)
    else:
        from clerkdomains.explain.raw import parse_raw

        request = parse_raw(_read_raw(raw or "-"), scheme=raw_scheme, name=f"--raw {raw}")
    from .trace_cmd import _clock, _pem

    base, base_source = _app_options(app_name, config, sdk_version, request.url)
    effective = build_options(base, base_source, option or (), env=os.environ, jwt_key=_pem(jwt_key),
                              sdk_version=sdk_version, read_pem=_option_pem)
    if effective.options.sdk_version:
        from clerkdomains.sync.versions import behaviour_for

        behaviour_for(effective.options.sdk_version)  # an unknown version is bad input (exit 2)
    payloads = dict(_payload(p, read_payload) for p in handshake_payload or ())
    result = run_explain(request, effective, now=_clock(now) if now is not None or clock is None else clock,
                         payloads=payloads, expect=Expectation.parse(expect) if expect else None,
                         show_tokens=show_tokens, key_source=_key_source(effective))
    from clerkdomains.render.human_explain import render_explain

    emit("explain", result, chosen, color=color, human=lambda c, w: render_explain(result, color=c, width=w))
    if not result.answered:
        raise typer.Exit(2)
    raise typer.Exit(1 if result.expectation_met is False else 0)


def _read_raw(name: str) -> str:
    import sys

    from clerkdomains.errors import InputError

    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise InputError(f"--raw {name}: cannot read: {exc.strerror or exc}") from None


def _option_pem(value: str) -> str:
    from .trace_cmd import _pem

    return _pem(value) or value


def _payload(text: str, read: object) -> tuple[str, tuple[str, ...]]:
    from clerkdomains.errors import InputError

    nonce, eq, name = text.partition("=")
    if not eq or not nonce.strip() or not name.strip():
        raise InputError(f"--handshake-payload {text!r} is not NONCE=FILE")
    try:
        content = Path(name.strip()).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--handshake-payload {name}: cannot read: {exc.strerror or exc}") from None
    return nonce.strip(), read(content, name=name.strip())  # type: ignore[operator]


def _app_options(app_name: str | None, config: Path | None, sdk_version: str | None,  # type: ignore[no-untyped-def]
                 url: str):
    """(SdkOptions of the chosen app, its source label) or (None, None) without --app/-c.
    With -c alone, the app is the one whose origin the request URL has."""
    if app_name is None and config is None:
        return None, None
    from clerkdomains.config import load_setup
    from clerkdomains.errors import InputError
    from clerkdomains.sync.options import options_for

    setup = load_setup(config)
    app = _find_app(setup, app_name) if app_name is not None else setup.app_for_url(url)
    if app is None:
        names = ", ".join(_label(a) for a in setup.apps)
        where = setup.path or "clerkdomains.toml"
        if app_name is None:
            raise InputError(f"no app of {where} has the origin of {url}: pick one with --app ({names})")
        raise InputError(f"--app {app_name}: no such app in {where} ({names})")
    try:
        from clerkdomains.appread import effective_setup  # type: ignore[attr-defined]
    except ImportError:
        effective_setup = None
    source = f"config [{_label(app)}]"
    if effective_setup is not None and app.path is not None and app.path.is_dir():
        setup = effective_setup(setup)
        app = next(a for a in setup.apps if a.name == app.name)
        source = f"app folder {app.path}"
    return options_for(setup, app, sdk_version=sdk_version), source


def _label(app) -> str:  # type: ignore[no-untyped-def]
    return app.name.replace(" ", "-")


def _find_app(setup, name: str):  # type: ignore[no-untyped-def]
    wanted = name.strip().lower().replace(" ", "-")
    for app in setup.apps:
        if wanted in (_label(app).lower(), app.origin.lower(), app.url.host.lower()):
            return app
    if wanted.isdigit() and 1 <= int(wanted) <= len(setup.satellites):
        return setup.satellites[int(wanted) - 1]
    return None


def _key_source(effective):  # type: ignore[no-untyped-def]
    """The SDK without jwtKey fetches ``<apiUrl>/v1/jwks`` with the secret key: so does explain,
    when the secret key is a real one given by the user (env or --option)."""
    source = effective.source_of("secretKey") or ""
    secret = effective.options.secret_key
    if effective.jwt_key or not secret or not (source.startswith("env") or source == "--option"):
        return None

    def fetch():  # type: ignore[no-untyped-def]
        from clerkdomains.jwks import KeyResolver, bapi_jwks_url

        resolver = KeyResolver(urls=[bapi_jwks_url(effective.options.api_url)],
                               headers={"Authorization": f"Bearer {secret}"})
        try:
            return resolver.keys_for({})
        finally:
            resolver.close()

    return fetch
