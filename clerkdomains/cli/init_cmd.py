"""``clerkdomains init``: write clerkdomains.toml and each app's env file and provider
files, without losing a user's work (plan first, then apply)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from ._common import (
    ColorOpt,
    ConfigOpt,
    Environment,
    JsonFlag,
    PlainFormat,
    PlainFormatOpt,
    emit,
    err,
    finish,
    pick_format,
    use_color,
    width,
)

if TYPE_CHECKING:
    from clerkdomains.config import Setup

FRAMEWORK_NAMES = "nextjs, tanstack-start, nuxt, js, script-tag"


def _interactive() -> bool:
    """Prompts only on a terminal: stdin and stdout both TTYs."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _framework(value: str | None, flag: str) -> str | None:
    from clerkdomains.errors import InputError
    from clerkdomains.frameworks import Framework

    if value is None:
        return None
    try:
        return Framework(value.strip().lower()).value
    except ValueError:
        raise InputError(f"{flag}: unknown framework {value!r} (one of: {FRAMEWORK_NAMES})") from None


def _origin(value: str, flag: str) -> str:
    from clerkdomains.errors import InputError
    from clerkdomains.origins import parse_app_url

    url = parse_app_url(value, what=flag)
    if url.url.rstrip("/") != url.origin:
        raise InputError(f"{flag} must be an origin (scheme://host[:port]), got {value!r}")
    return url.origin


def _missing(flag: str, hint: str) -> NoReturn:
    from clerkdomains.errors import InputError

    raise InputError(f"{flag} is required (no terminal to ask on)", hint=hint)


def _ask_flags(primary: str | None, satellites: list[str], framework: str | None,
               key: str | None, environment: Environment | None) -> tuple[str, list[str], str, str | None,
                                                                        Environment | None]:
    """Fill what the flags left out: prompts on a terminal, else a one-line usage error."""
    import os

    interactive = _interactive()
    if primary is None:
        if not interactive:
            _missing("--primary", "pass --primary URL (or --config FILE to regenerate from a clerkdomains.toml)")
        primary = typer.prompt("Primary app URL (where users sign in)", default="http://localhost:3000")
    if not satellites:
        if not interactive:
            _missing("--satellite", "pass --satellite URL once per satellite")
        satellites = [typer.prompt("Satellite app URL", default="http://localhost:3001")]
        while more := typer.prompt("Another satellite URL (empty to finish)", default="", show_default=False):
            satellites.append(more)
    if framework is None:
        framework = typer.prompt(f"Framework ({FRAMEWORK_NAMES})", default="nextjs") if interactive else "nextjs"
    if key is None and environment is None and not os.environ.get("CLERK_PUBLISHABLE_KEY"):
        if not interactive:
            _missing("--publishable-key", "pass --publishable-key pk_... or --environment development|production")
        key = typer.prompt("Publishable key (empty: decide later, development instance)", default="",
                           show_default=False) or None
        if key is None:
            environment = Environment.DEVELOPMENT
    return primary, satellites, framework, key, environment


def _setup_from_flags(directory: Path, primary: str, satellites: list[str], framework: str,
                      satellite_framework: str | None, key: str | None,
                      environment: Environment | None, auto_sync: bool) -> Setup:
    import os

    from clerkdomains.config import CONFIG_NAME, setup_from_dict
    from clerkdomains.errors import ConfigError, InputError
    from clerkdomains.keys import parse_publishable_key

    fw = _framework(framework, "--framework")
    sat_fw = _framework(satellite_framework, "--satellite-framework") or fw
    instance: dict[str, Any] = {}
    if key is not None:
        instance["publishable_key"] = parse_publishable_key(key.strip()).key
    if environment is not None:
        instance["environment"] = environment.value
    data: dict[str, Any] = {
        "instance": instance,
        "primary": {"url": _origin(primary, "--primary"), "framework": fw, "path": "apps/primary"},
        "satellite": [{"url": _origin(url, "--satellite"), "framework": sat_fw,
                       "path": f"apps/satellite-{i}", "auto_sync": auto_sync}
                      for i, url in enumerate(satellites, 1)],
    }
    try:
        return setup_from_dict(data, path=directory.resolve() / CONFIG_NAME, env=os.environ)
    except ConfigError as exc:  # the problem is in the flags, not in a file
        raise InputError(exc.message.replace(f"{CONFIG_NAME}: ", "", 1), hint=exc.hint) from None


def init(
    ctx: typer.Context,
    primary: Annotated[str | None, typer.Option("--primary", metavar="URL", help="The primary app's origin, where users sign in.",
                                                show_default=False)] = None,
    satellite: Annotated[list[str] | None, typer.Option(
        "--satellite", metavar="URL", help="A satellite app's origin; repeat for each satellite.", show_default=False)] = None,
    framework: Annotated[str | None, typer.Option(
        "--framework", metavar="NAME", help=f"Framework of every app: {FRAMEWORK_NAMES}.  [default: nextjs]",
        show_default=False)] = None,
    satellite_framework: Annotated[str | None, typer.Option(
        "--satellite-framework", metavar="NAME", help="Framework of the satellites, when it differs from --framework.",
        show_default=False)] = None,
    publishable_key: Annotated[str | None, typer.Option(
        "--publishable-key", metavar="KEY", help="The instance's publishable key (pk_test_/pk_live_); "
        "else env CLERK_PUBLISHABLE_KEY.", show_default=False)] = None,
    environment: Annotated[Environment | None, typer.Option(
        "--environment", help="Instance type when no key is given yet.", show_default=False)] = None,
    auto_sync: Annotated[bool, typer.Option(
        "--auto-sync", help="Set satelliteAutoSync on the satellites (a redirect on every first visit).")] = False,
    directory: Annotated[Path, typer.Option(
        "--dir", metavar="DIR", help="Folder for clerkdomains.toml; app folders are apps/primary, apps/satellite-N below it.",
        file_okay=False)] = Path("."),
    config: ConfigOpt = None,
    example: Annotated[Path | None, typer.Option(
        "--example", metavar="DIR", help="Scaffold the built-in example (Next.js primary + satellite) into this folder; "
        "with --environment production, its production variant.", file_okay=False, show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan with diffs; write nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace whole files that exist and differ.")] = False,
    allow_outside: Annotated[bool, typer.Option(
        "--allow-outside", help="Write app folders that lie outside the project folder (a `path` of "
        "../x or an absolute one); without it init refuses them.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No per-file lines on stderr.")] = False,
    fmt: PlainFormatOpt = None,
    json_: JsonFlag = False,
    color: ColorOpt = "auto",  # type: ignore[assignment]
) -> None:
    """Write clerkdomains.toml and each app's env and provider files, never losing your edits.

    For the primary and every satellite: the env file and the provider/middleware files
    Clerk's multi-domain guide asks for. Plans first: new files are created, env files merged (only clerkdomains' keys change),
    generated files you have not edited are updated, and a file that exists and differs is a
    conflict (exit 1) whose snippet is printed instead, unless --force. --config FILE (or,
    without --primary/--satellite, a clerkdomains.toml in --dir) regenerates the app files
    from an existing clerkdomains.toml.
    """
    from clerkdomains.config import CONFIG_NAME, load_setup
    from clerkdomains.errors import InputError
    from clerkdomains.render.human_init import render_actions, render_report
    from clerkdomains.scaffold.runner import run_init

    source = ctx.get_parameter_source("config")
    config_given = config is not None and getattr(source, "name", "") == "COMMANDLINE"
    flags_given = primary is not None or bool(satellite)
    if sum([example is not None, config_given, flags_given]) > 1:
        raise InputError("use one of --example DIR, --config FILE, or --primary/--satellite")
    write_config, extra = True, []
    if example is not None:
        from clerkdomains.scaffold.example import example_files, example_setup

        setup = example_setup(example, production=environment is Environment.PRODUCTION)
        extra = example_files(setup)
    elif config is not None and not flags_given:
        setup, write_config = load_setup(config), False
    elif not flags_given and (directory / CONFIG_NAME).is_file():
        setup, write_config = load_setup(directory / CONFIG_NAME), False
    else:
        p, sats, fw, key, env = _ask_flags(primary, list(satellite or []), framework, publishable_key, environment)
        setup = _setup_from_flags(directory, p, sats, fw, satellite_framework, key, env, auto_sync)

    result = run_init(setup, write_config=write_config, force=force, dry_run=dry_run, extra=extra,
                      allow_outside=allow_outside)
    out_format = pick_format(fmt, json_, PlainFormat)
    if out_format == "human":
        text = render_actions(result, color=use_color(color, sys.stderr), width=width(), quiet=quiet)
        if text:
            err(text)
    emit("init", result, out_format, color=color, human=lambda c, w: render_report(result))
    finish(result.findings)
