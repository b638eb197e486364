"""Regression tests through the real command line for the env-file, write-safety, secret and
terminal-escape cases of issues #11 and #18: each reported case, as reported."""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import time
from pathlib import Path

from scaffold_helpers import PK, snapshot
from typer.testing import CliRunner

from clerkdomains.cli import app

runner = CliRunner()
FLAGS = ["init", "--primary", "http://localhost:3000", "--satellite", "http://localhost:3001",
         "--publishable-key", PK]
SAT_ENV = "apps/satellite-1/.env.local"
SECRET_BODY = "RealSecretBodyThatMustNeverBePrinted42"
SECRET = "sk_test_" + SECRET_BODY


def project(tmp_path: Path) -> Path:
    """A project made by init (clerkdomains.toml, two Next.js apps); returns the satellite env file."""
    result = runner.invoke(app, FLAGS)
    assert result.exit_code == 0, result.output
    return tmp_path / SAT_ENV


def rerun(*extra: str):
    return runner.invoke(app, ["init", *extra])


def no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def test_line_without_equals_and_unterminated_quote_keep_every_byte(tmp_path: Path) -> None:
    env = project(tmp_path)
    user = ("FEATURE_FLAG\n"                          # a line without `=` that clerkdomains does not own
            "NEXT_PUBLIC_CLERK_DOMAIN\n"              # one it owns: given a value in place
            'GREETING="hello\n'                       # an unterminated double quote ...
            "WORLD=1\n"                               # ... and the lines after it
            "# the end\n"
            "LAST=2")                                 # no final newline
    env.write_text(user)
    result = rerun()
    assert result.exit_code == 0, result.output
    text = env.read_text()
    assert text.startswith("FEATURE_FLAG\nNEXT_PUBLIC_CLERK_DOMAIN=localhost:3001\n"
                           'GREETING="hello\nWORLD=1\n# the end\nLAST=2\n')
    assert text.count("NEXT_PUBLIC_CLERK_DOMAIN") == 1
    assert rerun().exit_code == 0 and env.read_text() == text  # idempotent


def test_secret_in_an_unterminated_quote_is_never_printed(tmp_path: Path) -> None:
    env = project(tmp_path)
    env.write_text(f'CLERK_SECRET_KEY="{SECRET}\nOTHER=1\n')
    outputs = []
    for args in (["--dry-run"], ["--dry-run", "--json"], []):
        result = rerun(*args)
        no_traceback(result)
        outputs.append(result.stdout + result.stderr)
    assert env.read_text().startswith(f'CLERK_SECRET_KEY="{SECRET}\nOTHER=1\n')  # kept, not "fixed"
    for fmt in ("human", "json", "github", "markdown"):
        result = runner.invoke(app, ["check", "--format", fmt])
        no_traceback(result)
        outputs.append(result.stdout + result.stderr)
    joined = "\n".join(outputs)
    assert SECRET_BODY not in joined
    assert "sk_test_****" in joined  # the diff shows the line, masked


def test_secret_key_in_any_variable_is_masked_in_check_and_init(tmp_path: Path) -> None:
    env = project(tmp_path)
    text = env.read_text()
    env.write_text(text.replace("NEXT_PUBLIC_CLERK_SIGN_IN_URL=http://localhost:3000/sign-in",
                                f"NEXT_PUBLIC_CLERK_SIGN_IN_URL={SECRET}")
                   + f"MY_OWN_VARIABLE=sk_live_{SECRET_BODY}\n")
    outputs = []
    for args in (["init", "--dry-run"], ["init", "--dry-run", "--json"], ["check"], ["check", "--json"],
                 ["check", "--format", "github"], ["check", "--format", "markdown"]):
        result = runner.invoke(app, args)
        no_traceback(result)
        outputs.append(result.stdout + result.stderr)
    check_json = json.loads(runner.invoke(app, ["check", "--json"]).stdout)
    assert any("NEXT_PUBLIC_CLERK_SIGN_IN_URL" in f["message"] for f in check_json["findings"])
    joined = "\n".join(outputs)
    assert SECRET_BODY not in joined
    assert "sk_test_****" in joined


def test_env_path_that_is_a_folder_device_link_or_loop(tmp_path: Path) -> None:
    env = project(tmp_path)
    cases = {
        "folder": lambda: env.mkdir(),
        "dev-zero-link": lambda: env.symlink_to("/dev/zero"),
        "loop": lambda: env.symlink_to(env.name),
        "fifo": lambda: os.mkfifo(env),
    }
    codes = {"folder": "init.file.not-regular", "dev-zero-link": "init.file.outside-project",
             "loop": "init.file.unreadable", "fifo": "init.file.not-regular"}
    for name, make in cases.items():
        if env.is_dir() and not env.is_symlink():
            env.rmdir()
        elif os.path.lexists(env):
            env.unlink()
        make()
        started = time.monotonic()
        result = rerun("--json")
        assert time.monotonic() - started < 30, f"{name}: init took too long (blocked?)"
        no_traceback(result)
        assert result.exit_code == 1, (name, result.output)  # a conflict: nothing written there
        data = json.loads(result.stdout)
        entry = next(f for f in data["files"] if f["path"] == SAT_ENV)
        assert entry["action"] == "conflict", name
        assert codes[name] in [f["code"] for f in data["findings"]], (name, data["findings"])
        assert os.path.lexists(env) and not (env.is_file() and not env.is_symlink()), name
        checked = runner.invoke(app, ["check", "--json"])
        no_traceback(checked)
        assert checked.exit_code in (0, 1), (name, checked.output)


def test_symlinked_env_inside_the_project_is_written_through(tmp_path: Path) -> None:
    env = project(tmp_path)
    shared = tmp_path / "shared.env"
    shared.write_text("SHARED=1\n")
    shared.chmod(0o600)
    env.unlink()
    env.symlink_to(os.path.relpath(shared, env.parent))
    result = rerun()
    assert result.exit_code == 0, result.output
    assert env.is_symlink() and os.readlink(env) == os.path.relpath(shared, env.parent)
    text = shared.read_text()
    assert text.startswith("SHARED=1\n") and "NEXT_PUBLIC_CLERK_IS_SATELLITE=true" in text
    assert stat.S_IMODE(shared.stat().st_mode) == 0o600
    assert rerun().exit_code == 0 and shared.read_text() == text


def test_symlinked_env_leaving_the_project_is_a_conflict(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "elsewhere.env"
    target.write_text("MINE=1\n")
    inside = tmp_path / "project"
    inside.mkdir()
    os.chdir(inside)
    project(inside)
    env = inside / SAT_ENV
    env.unlink()
    env.symlink_to(target)
    result = rerun("--json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    finding = next(f for f in data["findings"] if f["code"] == "init.file.outside-project")
    assert finding["file"] == SAT_ENV and str(target) in finding["message"]
    assert target.read_text() == "MINE=1\n" and env.is_symlink()
    assert "MINE" not in result.stdout  # the target was not read either


def test_folder_symlink_leaving_the_project_is_not_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    inside = tmp_path / "project"
    inside.mkdir()
    os.chdir(inside)
    project(inside)
    folder = inside / "apps/satellite-1/app"
    for child in sorted(folder.rglob("*"), reverse=True):
        child.unlink() if not child.is_dir() else child.rmdir()
    folder.rmdir()
    folder.symlink_to(outside, target_is_directory=True)
    result = rerun("--json")
    assert result.exit_code == 1
    assert "init.file.outside-project" in [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert list(outside.iterdir()) == []


def _config_with_path(tmp_path: Path, path: str) -> None:
    (tmp_path / "clerkdomains.toml").write_text(
        f'[instance]\npublishable_key = "{PK}"\n\n[primary]\nurl = "http://localhost:3000"\npath = "web"\n\n'
        f'[[satellite]]\nurl = "http://localhost:3001"\npath = "{path}"\n')


def test_app_path_outside_the_project_needs_allow_outside(tmp_path: Path) -> None:
    project_dir = tmp_path / "project"
    project_dir.mkdir()
    os.chdir(project_dir)
    for path in ("../elsewhere", str(tmp_path / "absolute")):
        _config_with_path(project_dir, path)
        before = snapshot(tmp_path)
        for extra in ([], ["--dry-run"]):
            result = rerun(*extra)
            assert result.exit_code == 2, result.output
            assert result.stderr.count("\n") == 1 and "outside the project folder" in result.stderr
            assert "--allow-outside" in result.stderr
            assert snapshot(tmp_path) == before
        allowed = rerun("--allow-outside", "--json")
        assert allowed.exit_code == 0, allowed.output
        data = json.loads(allowed.stdout)
        assert "init.path.outside" in [f["code"] for f in data["findings"]]
        target = (project_dir / path).resolve() if not Path(path).is_absolute() else Path(path)
        assert (target / ".env.local").is_file()


def test_temp_files_are_named_for_env_ignores_and_stale_ones_removed(tmp_path: Path) -> None:
    env = project(tmp_path)
    folder = env.parent
    stale_new = folder / ".env.local.clerkdomains-ab12cd34.tmp"
    stale_old = folder / "..env.local.zz99yy88.tmp"  # what versions before this one left behind
    unrelated = folder / ".env.local.backup.tmp"
    for path in (stale_new, stale_old, unrelated):
        path.write_text("half a file")
    env.write_text("USER=1\n")
    result = rerun("--json")
    assert result.exit_code == 0, result.output
    assert not stale_new.exists() and not stale_old.exists() and unrelated.exists()
    removed = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "init.tmp.removed"]
    assert sorted(f["file"] for f in removed) == sorted(
        [f"apps/satellite-1/{stale_new.name}", f"apps/satellite-1/{stale_old.name}"])
    # a `.env*` ignore rule covers what init writes while it writes
    from clerkdomains.gitignore import is_ignored

    (tmp_path / ".gitignore").write_text(".env*\n")
    assert is_ignored(stale_new, tmp_path, use_git=False)


def test_dry_run_leaves_stale_temp_files_alone(tmp_path: Path) -> None:
    env = project(tmp_path)
    stale = env.parent / ".env.local.clerkdomains-ab12cd34.tmp"
    stale.write_text("x")
    assert rerun("--dry-run").exit_code == 0
    assert stale.exists()


def test_a_locked_temp_file_is_not_removed(tmp_path: Path) -> None:
    """A temp file another running init holds (flock) is in use, not stale."""
    import fcntl

    env = project(tmp_path)
    busy = env.parent / ".env.local.clerkdomains-busy0000.tmp"
    busy.write_text("being written")
    with open(busy, "rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        env.write_text("USER=1\n")
        assert rerun().exit_code == 0
        assert busy.exists()
    assert rerun().exit_code == 0
    assert not busy.exists()


def test_large_env_file_is_merged_in_bounded_time(tmp_path: Path) -> None:
    env = project(tmp_path)
    user = "".join(f"VARIABLE_{i}=value-{i}\n" for i in range(100_000))
    env.write_text(user)
    started = time.monotonic()
    result = rerun("--quiet")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert env.read_text().startswith(user)
    assert elapsed < 30, f"100,000 lines took {elapsed:.1f} s (it was about 55 s before the fix)"


def test_bom_is_kept(tmp_path: Path) -> None:
    env = project(tmp_path)
    env.write_bytes(b"\xef\xbb\xbfUSER=1\n")
    assert rerun().exit_code == 0
    data = env.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfUSER=1\n") and data.count(b"\xef\xbb\xbf") == 1


def _key_with_host(host: bytes) -> str:
    return "pk_test_" + base64.b64encode(host + b"$").decode().rstrip("=")


ESCAPES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def test_key_inspect_escapes_a_decoded_host() -> None:
    key = _key_with_host(b"evil\x1b]0;owned\x07\x1b[2J\r\nfake: line\xe2\x80\xae.com")
    result = runner.invoke(app, ["key", "inspect", key, "--color", "never"])
    assert result.exit_code == 0, result.output
    assert not ESCAPES.search(result.stdout), repr(result.stdout)
    assert "\\x1b]0;owned\\x07" in result.stdout and "\\r\\n" in result.stdout
    assert "key.host-invalid" in result.stdout
    colored = runner.invoke(app, ["key", "inspect", key, "--color", "always"])
    # Rich's own colour codes are the only ESC sequences left
    assert not re.sub(r"\x1b\[[0-9;]*m", "", colored.stdout).count("\x1b")
    data = json.loads(runner.invoke(app, ["key", "inspect", key, "--json"]).stdout)
    assert "\x1b" in data["key"]["frontend_api"]  # JSON keeps the data; json.dumps escapes it


def test_init_and_check_escape_a_hostile_env_file(tmp_path: Path) -> None:
    env = project(tmp_path)
    hostile = "\x1b]0;owned\x07\x1b[1A\u202e"
    env.write_text(env.read_text().replace("NEXT_PUBLIC_CLERK_DOMAIN=localhost:3001",
                                           f'NEXT_PUBLIC_CLERK_DOMAIN="{hostile}x"') + f"# {hostile}\n")
    for args in (["init", "--dry-run", "--color", "never"], ["check", "--color", "never"],
                 ["check", "--color", "always"]):
        result = runner.invoke(app, args)
        no_traceback(result)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
        assert not ESCAPES.search(plain), (args, repr(plain))


def test_owned_key_whose_quote_runs_over_lines_is_kept_and_appended(tmp_path: Path) -> None:
    """The lines inside an owned key's multi-line quote are not dropped: the definition stays
    and the key is appended (loaders use the last one), with a warning naming the line."""
    env = project(tmp_path)
    user = 'NEXT_PUBLIC_CLERK_DOMAIN="oops\nMY_FLAG=1\nMY_OTHER=2\n"\nAFTER=3\n'
    env.write_text(user)
    result = rerun("--json")
    assert result.exit_code == 0, result.output
    text = env.read_text()
    assert text.startswith(user)
    assert text.rstrip().endswith("NEXT_PUBLIC_CLERK_DOMAIN=localhost:3001")
    warning = next(f for f in json.loads(result.stdout)["findings"] if f["code"] == "init.env.multiline-value")
    assert warning["line"] == 1 and warning["file"] == SAT_ENV
    assert rerun().exit_code == 0 and env.read_text() == text


def test_merge_that_would_change_other_variables_is_refused() -> None:
    import pytest

    from clerkdomains.errors import InputError
    from clerkdomains.scaffold.envfile import merge_env
    from clerkdomains.scaffold.model import EnvEntry

    # a comment holding a quote, appended after an unterminated quote, would end that quote
    with pytest.raises(InputError, match="change how dotenv loaders read"):
        merge_env("A='open\nB=1\n", [EnvEntry("NEW_KEY", "v", comment="it's")])
