"""The setups the template tests render (development, production, and a production setup
with two satellites: one behind a proxy_url, one with auto_sync), and a text form of
generated files used by the golden files."""

from __future__ import annotations

from pathlib import Path

from clerkdomains.config import Setup, setup_from_dict
from clerkdomains.frameworks import Framework
from clerkdomains.keys import build_publishable_key
from clerkdomains.scaffold.model import DesiredFile

DEV_KEY = "pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk"  # foo-bar-13.clerk.accounts.dev
PROD_KEY = build_publishable_key("clerk.primary.dev", "production")

FRAMEWORKS = [f.value for f in Framework]


def _apps(framework: str, primary: str, satellites: list[dict[str, object]]) -> dict[str, object]:
    return {
        "primary": {"url": primary, "framework": framework, "path": "primary"},
        "satellite": [{"framework": framework, "path": f"satellite-{i}", **s}
                      for i, s in enumerate(satellites, 1)],
    }


def case_setups(framework: str, root: Path) -> dict[str, Setup]:
    """Variant name → setup. Each app's folder is ``root/<variant>/<primary|satellite-N>``."""
    raw = {
        "development": {"instance": {"publishable_key": DEV_KEY},
                        **_apps(framework, "http://localhost:3000", [{"url": "http://localhost:3001"}])},
        "production": {"instance": {"publishable_key": PROD_KEY},
                       **_apps(framework, "https://primary.dev", [{"url": "https://satellite.dev"}])},
        "multi-production": {"instance": {"publishable_key": PROD_KEY}, **_apps(framework, "https://primary.dev", [
            {"url": "https://satellite-one.dev", "proxy_url": "https://satellite-one.dev/__clerk"},
            {"url": "https://satellite-two.dev", "auto_sync": True},
        ])},
    }
    return {name: setup_from_dict(data, path=root / name / "clerkdomains.toml") for name, data in raw.items()}


def golden_dir_for(variant: str, app_folder: str) -> str:
    """tests/golden/<framework>/<this>: ``primary-development``, ``satellite-production``, or
    ``multi-production/satellite-2``."""
    if variant.startswith("multi-"):
        return f"{variant}/{app_folder}"
    role = "primary" if app_folder == "primary" else "satellite"
    return f"{role}-{variant}"


def env_text(file: DesiredFile) -> str:
    lines: list[str] = []
    for entry in file.env:
        if entry.comment:
            lines.append(f"# {entry.comment}")
        lines.append(f"{entry.key}={entry.value}")
    return "\n".join(lines) + "\n"


def manifest(files: list[DesiredFile], app_dir: Path) -> str:
    """Everything about the files that is not their text: kind, comment prefix, flags,
    description and the snippet to add by hand."""
    out: list[str] = []
    for f in files:
        out.append(f"== {f.path.relative_to(app_dir).as_posix()}")
        out.append(f"kind: {f.kind}; comment prefix: {f.comment_prefix}; holds secret: {f.holds_secret}")
        out.append(f"description: {f.description}")
        for e in f.env:
            flags = [n for n in ("secret", "placeholder") if getattr(e, n)]
            if flags:
                out.append(f"{e.key}: {', '.join(flags)}")
        if f.snippet is not None:
            out.append("snippet:")
            out += [f"  {line}" if line else "" for line in f.snippet.splitlines()]
        out.append("")
    return "\n".join(out)
