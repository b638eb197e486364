"""Outside a git work tree, `is_ignored` reads the .gitignore files with pathspec and must give
the answers real git gives: the same files and .gitignore files are laid out twice, once in a
plain folder (our matcher) and once in a `git init` repository, where `git check-ignore`
computes the expected answer for every file (cross-checked with `git ls-files -o -i`).
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest
from conftest import require_tool

from clerkdomains.gitignore import _git_says, is_ignored

ROOT_GITIGNORE = """\
# env files stay out of git, the example is committed
.env*
!.env.example
*.local
/anchored.txt
build/
logs/**
!logs/keep.txt
secret/
!secret/allowed.env
docs/*.md
!docs/README.md
**/tmp
foo/**/
\\#hash.txt
trailing.txt{spaces}
""".format(spaces="   ")  # trailing spaces are not part of a pattern
WEB_GITIGNORE = """\
!.env.local
/only-here.txt
*.txt
!keep.txt
nested/
"""
SUB_GITIGNORE = """\
.env.production
!*.local
"""
FILES = [
    ".env", ".env.example", ".env.local", "apps/.env", "apps/web/.env", "apps/web/.env.local",
    "apps/web/sub/.env.local", "apps/web/sub/.env.production", "apps/web/sub/x.local", "apps/x.local",
    "anchored.txt", "apps/anchored.txt", "build/out.js", "apps/build/out.js", "apps/web/sub/build",
    "logs/a.log", "logs/keep.txt", "logs/deep/keep.txt", "secret/allowed.env", "secret/x", "docs/a.md",
    "docs/README.md", "docs/sub/a.md", "p/tmp/f", "tmp", "foo/direct.txt", "foo/inner/f", "#hash.txt",
    "trailing.txt", "apps/web/only-here.txt", "apps/web/deep/only-here.txt", "apps/web/keep.txt",
    "apps/web/deep/a.txt", "apps/web/nested/f", "apps/nested/f", "README.md", "apps/web/app/page.tsx",
]


def _lay_out(top: Path, files: list[str], ignores: dict[str, str]) -> list[str]:
    """Create ``files`` and the .gitignore files under ``top``; the files really made."""
    made = []
    for rel in files:
        path = top / rel
        if any(p.is_file() for p in path.parents if top in p.parents) or path.is_dir():
            continue  # a name used as a file and as a folder: keep the first
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
        made.append(rel)
    for folder, text in ignores.items():
        where = top / folder
        if where.exists() and not where.is_dir():
            continue
        where.mkdir(parents=True, exist_ok=True)
        (where / ".gitignore").write_text(text)
    return made


def _git_answers(repo: Path, rels: list[str]) -> dict[str, bool]:
    git = require_tool("git", "apt-get install git")
    subprocess.run([git, "init", "-q", str(repo)], check=True)
    asked = subprocess.run([git, "-C", str(repo), "-c", "core.quotePath=false", "check-ignore", "--stdin"],
                           input="\n".join(rels) + "\n", capture_output=True, text=True)
    assert asked.returncode in (0, 1), asked.stderr
    ignored = set(asked.stdout.splitlines())
    listed = subprocess.run([git, "-C", str(repo), "-c", "core.quotePath=false", "ls-files", "-o", "-i",
                             "--exclude-standard"], capture_output=True, text=True, check=True)
    assert ignored & set(rels) == set(listed.stdout.splitlines()) & set(rels)  # git agrees with itself
    return {rel: rel in ignored for rel in rels}


def _compare(tmp_path: Path, files: list[str], ignores: dict[str, str]) -> tuple[dict[str, bool], dict[str, bool]]:
    plain, repo = tmp_path / "plain", tmp_path / "repo"
    made = _lay_out(plain, files, ignores)
    assert _lay_out(repo, files, ignores) == made
    expected = _git_answers(repo, made)
    assert _git_says(plain / made[0]) is None  # really outside a work tree: the matcher answers
    ours = {rel: is_ignored(plain / rel, plain) for rel in made}
    return ours, expected


def test_nested_gitignores_agree_with_git(tmp_path: Path) -> None:
    ours, expected = _compare(tmp_path, FILES, {"": ROOT_GITIGNORE, "apps/web": WEB_GITIGNORE,
                                                 "apps/web/sub": SUB_GITIGNORE})
    assert ours == expected
    # the table exercises the rules that matter, in both directions
    assert expected[".env"] and not expected[".env.example"]  # negation
    assert not expected["apps/web/.env.local"] and expected["apps/web/.env"]  # a deeper file re-includes
    assert not expected["apps/web/sub/.env.local"] and expected["apps/web/sub/.env.production"]
    assert expected["anchored.txt"] and not expected["apps/anchored.txt"]  # anchored to its folder
    assert expected["build/out.js"] and not expected["apps/web/sub/build"]  # dir rule, not a file
    assert expected["secret/allowed.env"]  # no re-including below an ignored folder
    assert not expected["logs/keep.txt"] and expected["logs/deep/keep.txt"]
    assert not expected["foo/direct.txt"] and expected["foo/inner/f"]  # foo/**/ is folders inside foo
    assert expected["apps/web/deep/a.txt"] and not expected["apps/web/keep.txt"]
    assert not expected["README.md"] and not expected["apps/web/app/page.tsx"]


def test_inside_a_work_tree_git_is_asked(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    made = _lay_out(repo, FILES, {"": ROOT_GITIGNORE, "apps/web": WEB_GITIGNORE})
    expected = _git_answers(repo, made)
    assert _git_says(repo / ".env") is True
    assert {rel: is_ignored(repo / rel, repo) for rel in made} == expected
    assert {rel: is_ignored(repo / rel, repo, use_git=False) for rel in made} == expected


POOL = [
    "*.log", "!keep.log", ".env*", "!.env.example", "build/", "/build", "logs/**", "!logs/keep.txt", "secret/",
    "!secret/ok.env", "docs/*.md", "!docs/README.md", "**/tmp", "a/**/b", "*.local", "!*.local", "/x.txt",
    "x.txt", "sub/", "!sub/", "sub", "*", "!*/", "!.gitignore", "d?r/", "[ab].txt", "foo/bar", "/foo/",
    "**/foo", "foo/**/", "\\!bang", "nested/deep/", "*.txt", "!important.txt", "**", "!a/", "a/**/",
    "!foo/**/", "**/", "y/**/*/", "x/*", "!x/keep.log", "*/", "y/*/", "/*", "!/y", "docs/**/*.md",
    "**/x/**", "a/**/b/", "!**/keep.log", "# comment", "", "trail.txt   ", "sp ace.txt", "\\#h", "#h",
    "[!a]*.txt", "*.tx[a-z]", "**/q/", "!a/q/", "/y/z/", "z/w.local", "!z/", "a/*/b", "**/*.log", "!**/",
    "y/**/w.local", "/*/", "!/*/", "\\ lead",
]
RANDOM_FILES = [
    "a.log", "keep.log", "x/keep.log", ".env", ".env.example", ".env.local", "build/o.js", "x/build/o.js",
    "x/build", "logs/a", "logs/keep.txt", "logs/d/keep.txt", "secret/ok.env", "docs/a.md", "docs/README.md",
    "docs/s/a.md", "p/tmp/f", "tmp", "a/b", "a/q/b", "a/q/r/b/c", "x.txt", "y/x.txt", "sub/f", "y/sub/f",
    "y/sub", "dir/f", "dar/g", "a.txt", "c.txt", "foo/bar", "y/foo/bar", "foo/z", "y/foo/z", "!bang",
    "nested/deep/f", "y/nested/deep/f", "important.txt", "y/important.txt", "y/z/w.local", "a/c", "trail.txt",
    "sp ace.txt", "#h", "y/q/f.log", "a/q/f", "z/w.local", "y/z/q/b/c", "y/x/k/keep.log", " lead", "b.txt",
    "y/b.txt", "a/z/b", "docs/q/r/x.md",
]
FOLDERS = ["", "x", "y", "y/z", "a", "docs", "foo", "a/q", "y/x", "docs/q"]


@pytest.mark.parametrize("seed", range(25))
def test_random_nested_gitignores_agree_with_git(tmp_path: Path, seed: int) -> None:
    rnd = random.Random(seed)
    ignores = {folder: "\n".join(rnd.sample(POOL, rnd.randint(1, 9))) + "\n"
               for folder in rnd.sample(FOLDERS, rnd.randint(1, 6))}
    ours, expected = _compare(tmp_path, rnd.sample(RANDOM_FILES, 30), ignores)
    assert ours == expected, ignores


def test_a_path_outside_root_reads_only_its_own_folder(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / ".gitignore").write_text(".env\n")
    (tmp_path / "app" / ".gitignore").write_text(".env.local\n")
    assert is_ignored(tmp_path / "app" / ".env.local", tmp_path / "elsewhere")
    assert not is_ignored(tmp_path / "app" / ".env", tmp_path / "elsewhere")
    assert is_ignored(tmp_path / "app" / ".env", tmp_path)


def test_unreadable_or_special_gitignore_is_skipped(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").mkdir()  # a folder named .gitignore: nothing to read
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / ".gitignore").write_bytes(b"\xff\xfe.env\n.env\n")  # not UTF-8: read what can be
    assert is_ignored(tmp_path / "app" / ".env", tmp_path)
    assert not is_ignored(tmp_path / ".env", tmp_path)
