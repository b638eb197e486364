"""``clerkdomains dns records|verify``: the CNAMEs Clerk needs, and whether they resolve everywhere."""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._common import ColorOpt, ConfigOpt, JsonFlag, emit, err, format_option, out, pick_format

if TYPE_CHECKING:
    from clerkdomains.dnscheck.records import RecordsPlan

app = typer.Typer(no_args_is_help=True, help="The DNS records Clerk needs, and whether they are in place.")


class RecordsFormat(str, enum.Enum):
    HUMAN = "human"
    JSON = "json"
    BIND = "bind"


class VerifyFormat(str, enum.Enum):
    HUMAN = "human"
    JSON = "json"
    GITHUB = "github"
    JUNIT = "junit"
    MARKDOWN = "markdown"


RecordsFormatOpt = format_option(RecordsFormat)
VerifyFormatOpt = format_option(VerifyFormat)


DomainsArg = Annotated[list[str] | None, typer.Argument(
    help="Satellite domains to use instead of the config's setup.", show_default=False)]
PrimaryOpt = Annotated[str | None, typer.Option(
    "--primary", help="A primary domain (clerk, accounts and mail records) instead of the config's.")]
MailTokenOpt = Annotated[str | None, typer.Option(
    "--mail-token", envvar="CLERKDOMAINS_MAIL_TOKEN",
    help="The instance's mail token (Dashboard → Domains) to include the primary's mail records.")]


def _plan(domains: list[str] | None, primary: str | None, config, mail_token: str | None) -> RecordsPlan:
    from clerkdomains.dnscheck.records import expected_records, records_for_domains

    if domains or primary:
        return records_for_domains(domains or [], primary, mail_token=mail_token)
    from clerkdomains.config import load_setup

    return expected_records(load_setup(config), mail_token=mail_token)


@app.command("records")
def records(
    domains: DomainsArg = None,
    primary: PrimaryOpt = None,
    config: ConfigOpt = None,
    mail_token: MailTokenOpt = None,
    fmt: RecordsFormatOpt = None,
    json_: JsonFlag = False,
    color: ColorOpt = "auto",  # type: ignore[assignment]
) -> None:
    """Print the records each production domain needs: host, type, target.

    From clerkdomains.toml (primary and satellites), or from the domains given.
    Mail records are listed only when the mail token is known.
    """
    plan = _plan(domains, primary, config, mail_token)
    chosen = pick_format(fmt, json_, RecordsFormat)
    if chosen == "bind":
        from clerkdomains.render.bind import render_bind

        out(render_bind(plan))
    else:
        from clerkdomains.render.human_dns import render_records

        emit("dns records", plan, chosen, color=color, human=lambda c, w: render_records(plan, color=c, width=w))
    raise typer.Exit(0)


@app.command("verify")
def verify(
    domains: DomainsArg = None,
    primary: PrimaryOpt = None,
    config: ConfigOpt = None,
    mail_token: MailTokenOpt = None,
    nameserver: Annotated[list[str] | None, typer.Option(
        "--nameserver", "-n", envvar="CLERKDOMAINS_NAMESERVERS", show_default=False,
        help="IP[:PORT] of a resolver to ask ([IPv6]:PORT); repeat to compare several. "
             "Default: the system resolvers.")] = None,
    authoritative: Annotated[bool, typer.Option(
        "--authoritative", help="Also ask each domain's authoritative servers (found through the "
                                "resolvers): right there but not yet at a resolver is 'pending'.")] = False,
    authoritative_port: Annotated[int, typer.Option(
        "--authoritative-port", min=1, max=65535, help="Port for the authoritative servers (for test labs).")] = 53,
    wait: Annotated[float, typer.Option(
        "--wait", envvar="CLERKDOMAINS_DNS_WAIT",
        help="Re-check with backoff for up to SECONDS (0 to 7 days) until every record passes.")] = 0.0,
    timeout: Annotated[float, typer.Option("--timeout", envvar="CLERKDOMAINS_DNS_TIMEOUT",
                                           help="Seconds to wait for each DNS answer (more than 0, "
                                                "at most 600).")] = 2.0,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="DNS questions in flight at most.")] = 64,
    fmt: VerifyFormatOpt = None,
    json_: JsonFlag = False,
    color: ColorOpt = "auto",  # type: ignore[assignment]
) -> None:
    """Check the clerk (and accounts, mail) CNAMEs of the primary and every satellite.

    Each record gets one status: ok, missing, wrong_target, not_cname, dangling,
    relative_target, caa_blocked, pending or error. Exit 0 all ok, 1 any
    misconfiguration, 3 could not check (only errors), 4 only pending left.
    """
    from clerkdomains.dnscheck.query import parse_nameserver
    from clerkdomains.dnscheck.verify import check_timing
    from clerkdomains.dnscheck.verify import verify as run_verify

    check_timing(timeout=timeout, wait=wait)  # before anything is read or asked
    plan = _plan(domains, primary, config, mail_token)
    servers = [parse_nameserver(s) for s in nameserver or []]
    chosen = pick_format(fmt, json_, VerifyFormat)

    def run(on_progress=None):
        return run_verify(plan, nameservers=servers or None, authoritative=authoritative,
                          authoritative_port=authoritative_port, timeout=timeout, max_in_flight=concurrency,
                          wait=wait, on_progress=on_progress)

    if sys.stderr.isatty():  # a progress display only for people watching
        with _progress_display() as on_progress:
            result = run(on_progress)
    else:
        result = run()
    if chosen == "junit":
        from clerkdomains.render.junit import cases_from_dns, render_junit

        out(render_junit("clerkdomains dns verify", cases_from_dns(result), time=result.elapsed))
    else:
        from clerkdomains.render.human_dns import render_verify, summary
        from clerkdomains.render.markdown import render_dns_verify_markdown

        emit("dns verify", result, chosen, color=color, human=lambda c, w: render_verify(result, color=c, width=w),
             markdown=lambda: render_dns_verify_markdown(result, summary=summary))
        if chosen == "human":
            err(summary(result))
    raise typer.Exit(int(result.exit_code))


@contextmanager
def _progress_display() -> Iterator[Callable[[Any], None]]:
    """A Rich status line on stderr, fed by the library's progress callback."""
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("checking DNS records…") as status:

        def update(p: Any) -> None:
            if p.next_check_in is not None:
                status.update(f"attempt {p.attempt}: {p.not_ok} of {p.total} records not ok yet; "
                              f"checking again in {p.next_check_in:.0f}s")
            else:
                status.update(f"attempt {p.attempt}: checked {p.checked} of {p.total} records")

        yield update
