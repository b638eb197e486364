"""Env-file merge: clerkdomains' keys are set, every other byte of the user's file is kept."""

from __future__ import annotations

import io

import pytest
from dotenv import dotenv_values

from clerkdomains.errors import InputError
from clerkdomains.scaffold.envfile import ADDED_HEADER, format_value, mask_env, merge_env, parse_env
from clerkdomains.scaffold.model import EnvEntry

PK = "pk_test_ZXhhbXBsZS1jbGVyay00Mi5jbGVyay5hY2NvdW50cy5kZXYk"
SECRET = EnvEntry("CLERK_SECRET_KEY", "sk_test_REPLACE_ME", comment="from the Dashboard",
                  secret=True, placeholder=True)

USER_FILE = (
    "# my app\r\n"
    "export DATABASE_URL='postgres://u:p@h/db'  # prod db\r\n"
    "\r\n"
    'GREETING="hello world"\r\n'
    "NEXT_PUBLIC_CLERK_SIGN_IN_URL=/login # ours, but the user set it\r\n"
    "MULTI=\"line one\nline two\"\r\n"
    "LAST=no-newline"
)


def loaded(text: str) -> dict[str, str | None]:
    return dict(dotenv_values(stream=io.StringIO(text)))


def test_parse_joins_back_byte_for_byte() -> None:
    pieces = parse_env(USER_FILE)
    assert "".join(p.text for p in pieces) == USER_FILE
    keys = [(p.key, p.line) for p in pieces if p.key]
    assert keys == [("DATABASE_URL", 2), ("GREETING", 4), ("NEXT_PUBLIC_CLERK_SIGN_IN_URL", 5),
                    ("MULTI", 6), ("LAST", 8)]


def test_merge_keeps_user_bytes_updates_in_place_and_appends() -> None:
    merged = merge_env(USER_FILE, [
        EnvEntry("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", PK, comment="the instance's key"),
        SECRET,
        EnvEntry("NEXT_PUBLIC_CLERK_SIGN_IN_URL", "/sign-in"),
    ])
    before, _, appended = merged.text.partition("\r\n\r\n" + ADDED_HEADER)
    # the user's part: identical except the one value we own, which stays on its line with its comment
    assert before == USER_FILE.replace("=/login #", "=/sign-in #")
    assert appended == ("\r\n# the instance's key\r\n"
                        f"NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY={PK}\r\n"
                        "# from the Dashboard\r\nCLERK_SECRET_KEY=sk_test_REPLACE_ME\r\n")
    values = loaded(merged.text)
    assert values["DATABASE_URL"] == "postgres://u:p@h/db" and values["LAST"] == "no-newline"
    assert values["NEXT_PUBLIC_CLERK_SIGN_IN_URL"] == "/sign-in"
    assert {c.key: c.kind for c in merged.changes} == {
        "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY": "add", "CLERK_SECRET_KEY": "add",
        "NEXT_PUBLIC_CLERK_SIGN_IN_URL": "update"}
    assert merged.changed


def test_merge_twice_changes_nothing() -> None:
    entries = [EnvEntry("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", PK), SECRET]
    once = merge_env(USER_FILE, entries).text
    again = merge_env(once, entries)
    assert again.text == once
    assert not again.changed


def test_lf_file_gets_lf_and_empty_file_gets_no_blank_line() -> None:
    assert merge_env("A=1\n", [EnvEntry("B", "2")]).text == f"A=1\n\n{ADDED_HEADER}\nB=2\n"
    assert merge_env("", [EnvEntry("B", "2")]).text == f"{ADDED_HEADER}\nB=2\n"


def test_placeholder_never_overwrites_a_real_secret() -> None:
    text = "CLERK_SECRET_KEY=sk_test_myrealsecret\n"
    merged = merge_env(text, [SECRET])
    assert merged.text == text
    assert merged.changes[0].kind == "kept" and not merged.changed


def test_placeholder_fills_an_empty_value() -> None:
    merged = merge_env("CLERK_SECRET_KEY=\n", [SECRET])
    assert merged.text == "CLERK_SECRET_KEY=sk_test_REPLACE_ME\n"


def test_duplicate_key_updates_the_last_definition() -> None:
    text = "NEXT_PUBLIC_CLERK_DOMAIN=a.dev\nOTHER=1\nNEXT_PUBLIC_CLERK_DOMAIN=b.dev\n"
    merged = merge_env(text, [EnvEntry("NEXT_PUBLIC_CLERK_DOMAIN", "c.dev")])
    assert merged.text == "NEXT_PUBLIC_CLERK_DOMAIN=a.dev\nOTHER=1\nNEXT_PUBLIC_CLERK_DOMAIN=c.dev\n"
    change = merged.changes[0]
    assert (change.line, change.duplicates, change.kind) == (3, 2, "update")
    assert loaded(merged.text)["NEXT_PUBLIC_CLERK_DOMAIN"] == "c.dev"


@pytest.mark.parametrize(("line", "expected"), [
    ("export KEY='old' # note\n", "export KEY='new value' # note\n"),
    ('KEY="old"\n', 'KEY="new value"\n'),
    ("KEY = old\n", 'KEY = "new value"\n'),
    ("KEY\n", 'KEY="new value"\n'),
    ("KEY=", 'KEY="new value"'),
    ("'KEY'=old\n", "'KEY'=\"new value\"\n"),
])
def test_quoting_style_kept_where_it_fits(line: str, expected: str) -> None:
    merged = merge_env(line, [EnvEntry("KEY", "new value")])
    assert merged.text == expected
    assert loaded(merged.text)["KEY"] == "new value"


@pytest.mark.parametrize("value", ["plain", "has space", "has # hash", 'say "hi"', "it's", "a=b&c",
                                   "https://x.dev/__clerk", ""])
def test_format_value_reads_back_unchanged(value: str) -> None:
    written = f"K={format_value(value)}\n"
    assert loaded(written)["K"] == value


def test_format_value_refuses_line_breaks_and_both_quotes() -> None:
    with pytest.raises(InputError):
        format_value("two\nlines")
    with pytest.raises(InputError):
        format_value("""both ' and " """)


def test_mask_hides_every_value_not_shown() -> None:
    text = "export DB='postgres://u:secretpw@h'\nCLERK_SECRET_KEY=sk_live_abcdef\nPK=pk_test_x\n"
    masked = mask_env(text, {"PK"})
    assert "secretpw" not in masked and "abcdef" not in masked
    assert masked == "export DB=****\nCLERK_SECRET_KEY=sk_live_****\nPK=pk_test_x\n"
