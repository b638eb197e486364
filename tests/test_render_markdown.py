"""`--format markdown` renderers: golden output for small fixed results, and hostile strings.

Tables are read back two ways: :func:`split_tables` splits rows on unescaped ``|`` (what a
GFM table parser does first) and undoes the escapes; :func:`html_tables` renders the text
with markdown-it-py (a real CommonMark parser with GFM tables) and reads the HTML cells.
A broken escape changes the cell count or the cell text and fails both.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from markdown_it import MarkdownIt

from clerkdomains.dnscheck.model import RecordCheck, ServerAnswer, Status, VerifyResult
from clerkdomains.dnscheck.records import ExpectedRecord
from clerkdomains.findings import Finding, error, info, warning
from clerkdomains.lint import AppReport, CheckResult
from clerkdomains.render.markdown import (
    MAX_CELL,
    inline,
    render_check_markdown,
    render_dns_verify_markdown,
    render_markdown,
    render_token_verify_markdown,
)
from clerkdomains.tokens.report import VerifyReport
from clerkdomains.tokens.verify import TokenVerification

# --- reading tables back --------------------------------------------------------------------

_ESCAPE = re.compile(r"\\(.)")


def split_row(line: str) -> list[str]:
    """Cells of one table row, split on ``|`` not preceded by a backslash, outer pipes dropped."""
    cells, current, i = [], "", 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            current += line[i:i + 2]
            i += 2
            continue
        if line[i] == "|":
            cells.append(current)
            current = ""
        else:
            current += line[i]
        i += 1
    cells.append(current)
    assert cells[0].strip() == "" and cells[-1].strip() == "", f"row must start and end with a pipe: {line!r}"
    return [c.strip() for c in cells[1:-1]]


def unescape(cell: str) -> str:
    """The literal text of a cell: a whole-cell code span as is, else ``<br>`` is a line break and
    backslash escapes and entities are undone."""
    if re.fullmatch(r"`[^`]*`", cell):
        return cell[1:-1]
    parts = cell.split("<br>")
    return "\n".join(html.unescape(_ESCAPE.sub(r"\1", p)) for p in parts)


def split_tables(markdown: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every table: (header cells, rows of cells), each cell's literal text; every row has the
    header's cell count."""
    tables, lines = [], markdown.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|") and i + 1 < len(lines) and re.fullmatch(r"\|(---\|)+", lines[i + 1]):
            header = [unescape(c) for c in split_row(line)]
            rows = []
            for row_line in lines[i + 2:]:
                if not row_line.startswith("|"):
                    break
                row = [unescape(c) for c in split_row(row_line)]
                assert len(row) == len(header), f"{row_line!r} has {len(row)} cells, not {len(header)}"
                rows.append(row)
            tables.append((header, rows))
    return tables


@dataclass
class _Html(HTMLParser):
    tags: set[str] = field(default_factory=set)
    tables: list[list[list[str]]] = field(default_factory=list)
    _cell: list[str] | None = None

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.add(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip(" "))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(markdown: str) -> tuple[set[str], list[list[list[str]]]]:
    """The HTML tags markdown-it produces for ``markdown``, and each table's cell texts (row 0: header)."""
    parser = _Html()
    parser.feed(MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown))
    return parser.tags, parser.tables


SAFE_TAGS = {"h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "br"}


@dataclass(frozen=True)
class _Result:
    findings: tuple[Finding, ...]

    def to_data(self) -> dict[str, Any]:
        return {}


# --- golden output --------------------------------------------------------------------------

def test_generic_golden() -> None:
    result = _Result((
        warning("sync.auto-sync.default", "satellite 1", "auto_sync is not set", None),
        error("satellite.domain.has-scheme", "satellite 1", "NEXT_PUBLIC_CLERK_DOMAIN is 'https://x.dev'",
              "write the bare host", file="sat/.env.local", line=4),
    ))
    assert render_markdown("check", result) == """\
## ❌ clerkdomains check: 1 error, 1 warning

### Findings

| severity | code | subject | message | fix | where |
|---|---|---|---|---|---|
| ❌ error | `satellite.domain.has-scheme` | satellite 1 | NEXT\\_PUBLIC\\_CLERK\\_DOMAIN is 'https://x.dev' \
| write the bare host | sat/.env.local:4 |
| ⚠️ warning | `sync.auto-sync.default` | satellite 1 | auto\\_sync is not set | – | – |
"""


def test_generic_golden_without_findings_or_files() -> None:
    assert render_markdown("token decode", _Result(())) == (
        "## ✅ clerkdomains token decode: no problems found\n\n### Findings\n\nNo findings.\n")
    only_info = render_markdown("key inspect", _Result((info("key.kind", "pk", "a test key"),)))
    assert only_info.startswith("## ✅ clerkdomains key inspect: 1 info\n")
    assert "| severity | code | subject | message | fix |\n" in only_info  # no "where" column


def test_check_golden() -> None:
    result = CheckResult(apps=(
        AppReport("primary", "https://primary.com", "nextjs", "web", (".env.local", ".env"), 3,
                  {"@clerk/backend": "3.25.0 (package-lock.json)"}),
        AppReport("satellite 1", "https://sat.dev", "nuxt", None, (), 0, {}),
    ), findings=())
    assert render_check_markdown(result) == """\
## ✅ clerkdomains check: no problems found

### Apps

| app | origin | framework | env files | `@clerk/backend` |
|---|---|---|---|---|
| primary | https://primary.com | nextjs | .env.local, .env | 3.25.0 (package-lock.json) |
| satellite 1 | https://sat.dev | nuxt | no folder | – |

### Findings

No findings.
"""


def _record(domain: str) -> ExpectedRecord:
    return ExpectedRecord(domain, "clerk", "frontend-api.clerk.services", "auth", "satellite", "satellite 1")


def test_dns_verify_golden() -> None:
    ok = _record("ok.test")
    wrong = _record("wrong.test")
    result = VerifyResult(checks=(
        RecordCheck(ok, Status.OK, "ok", None, (ServerAnswer(
            "127.0.0.1:53", "resolver", Status.OK, "ok",
            chain=("clerk.ok.test", "frontend-api.clerk.services", "edge.clerk.services")),)),
        RecordCheck(wrong, Status.WRONG_TARGET, "clerk.wrong.test points at other.wrong.test", "point it right",
                    (ServerAnswer("127.0.0.1:53", "resolver", Status.WRONG_TARGET, "wrong",
                                  chain=("clerk.wrong.test", "other.wrong.test")),)),
    ), servers=("127.0.0.1:53",))
    assert render_dns_verify_markdown(result) == """\
## ❌ clerkdomains dns verify: 1 error

### Records

| domain | record | expected target | answer | status |
|---|---|---|---|---|
| ok.test | clerk.ok.test CNAME | frontend-api.clerk.services | frontend-api.clerk.services → edge.clerk.services | `ok` |
| wrong.test | clerk.wrong.test CNAME | frontend-api.clerk.services | other.wrong.test | `wrong_target` |

### Findings

| severity | code | subject | message | fix |
|---|---|---|---|---|
| ❌ error | `dns.cname.wrong-target` | clerk.wrong.test | clerk.wrong.test points at other.wrong.test \
| point it right |
"""
    pending = VerifyResult(checks=(RecordCheck(ok, Status.PENDING, "not everywhere yet", None, (
        ServerAnswer("127.0.0.1:53", "resolver", Status.MISSING, "NXDOMAIN"),
        ServerAnswer("ns.ok.test (127.0.0.1:5300)", "authoritative", Status.OK, "ok",
                     chain=("clerk.ok.test", "frontend-api.clerk.services")))),), servers=("127.0.0.1:53",))
    text = render_dns_verify_markdown(pending, summary=lambda r: "1 record on 1 server: 1 pending")
    assert text.startswith("## ⏳ clerkdomains dns verify: 1 record on 1 server: 1 pending\n")
    [(_, [row]), _] = split_tables(text)
    assert row[3] == ("not everywhere yet\n127.0.0.1:53 [resolver]: missing\n"
                      "ns.ok.test (127.0.0.1:5300) [authoritative]: ok")


def test_token_verify_golden_never_shows_the_token() -> None:
    verification = TokenVerification(False, "token-expired", "JWT is expired.", header={"kid": "ins_1"},
                                     claims={"sub": "user_1", "azp": "https://a.dev"}, check="exp")
    report = VerifyReport(verification, "session", None, (
        error("token.verify.token-expired", "exp", "JWT is expired.", "check the clock"),),
        key_source="PEM key.pem", token="eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl")
    text = render_token_verify_markdown(report)
    assert text == """\
## ❌ clerkdomains token verify: invalid (token-expired)

### Verdict

| field | value |
|---|---|
| valid | no |
| reason | `token-expired` |
| message | JWT is expired. |
| sub | user\\_1 |
| azp | https://a.dev |
| kid | ins\\_1 |
| keys | PEM key.pem |

### Findings

| severity | code | subject | message | fix |
|---|---|---|---|---|
| ❌ error | `token.verify.token-expired` | exp | JWT is expired. | check the clock |
"""
    assert "c2lnbmF0dXJl" not in text


# --- hostile strings ------------------------------------------------------------------------

HOSTILE = error(
    "satellite.domain.has-scheme",
    "evil | subject `with` ticks",
    "first line\nsecond <script>alert(1)</script> & *more* | end",
    "# not a heading | _x_ [link](https://x.test) ~~strike~~ back\\slash `code`",
    file="dir|x/<b>bold</b>.env",
    line=7,
)
HOSTILE_CELLS = ["satellite.domain.has-scheme", HOSTILE.subject, HOSTILE.message, HOSTILE.hint,
                 "dir|x/<b>bold</b>.env:7"]


def test_hostile_strings_split_back_into_the_same_cells() -> None:
    text = render_markdown("check", _Result((HOSTILE,)))
    assert "<script" not in text and "<b>" not in text
    [(header, [row])] = split_tables(text)
    assert header == ["severity", "code", "subject", "message", "fix", "where"]
    assert row[1:] == HOSTILE_CELLS
    lines = text.splitlines()
    assert all(not line.startswith(("#", "- ", "> ")) or line.startswith(("## ", "### ")) for line in lines)


def test_hostile_strings_through_a_real_markdown_parser() -> None:
    tags, tables = html_tables(render_markdown("check", _Result((HOSTILE,))))
    assert tags <= SAFE_TAGS, tags - SAFE_TAGS  # no script, b, a, em, del, h1 from the values
    [[header, row]] = tables
    assert header == ["severity", "code", "subject", "message", "fix", "where"]
    assert row[1:] == HOSTILE_CELLS


def test_hostile_claims_in_token_verify() -> None:
    verification = TokenVerification(True, None, None, header={"kid": "k|1"},
                                     claims={"sub": "user`|`<img src=x>", "azp": "https://a.dev\n# h1"})
    text = render_token_verify_markdown(VerifyReport(verification, "session", None, ()))
    tags, [table] = html_tables(text)
    assert tags <= SAFE_TAGS
    cells = dict(table[1:])  # type: ignore[arg-type]
    assert (cells["sub"], cells["azp"], cells["kid"]) == ("user`|`<img src=x>", "https://a.dev\n# h1", "k|1")
    assert dict(split_tables(text)[0][1])["sub"] == "user`|`<img src=x>"  # type: ignore[arg-type]


def test_block_syntax_at_the_start_of_a_value_is_escaped() -> None:
    for text in ("# heading", "## two", "- item", "+ item", "---", "===", "1. first", "12) twelfth"):
        rendered = MarkdownIt("commonmark").render(inline(text))
        assert rendered == f"<p>{html.escape(text, quote=False)}</p>\n", (text, rendered)
    assert inline("3.25.0") == "3.25.0" and inline("-x") == "-x" and inline("#tag") == "#tag"


def test_long_values_are_shortened_and_line_breaks_kept() -> None:
    long = "x" * (MAX_CELL * 3)
    [(_, [row])] = split_tables(render_markdown("check", _Result((warning("a.b", "s", long, "a\r\nb\rc"),))))
    assert row[3] == "x" * (MAX_CELL - 1) + "…"
    assert row[4] == "a\nb\nc"
