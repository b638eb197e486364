"""``init`` as one library call: the files a setup needs (clerkdomains.toml and the
templates' app files), planned, then applied (or, with ``dry_run``, only planned)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from clerkdomains.config import CONFIG_NAME, Setup, setup_to_dict

from .apply import InitResult, apply
from .model import DesiredFile
from .plan import plan

Templates = Callable[[Setup], list[DesiredFile]]


def config_file(setup: Setup) -> DesiredFile:
    """clerkdomains.toml, built as data and written with tomli-w (a user's TOML is never re-read)."""
    import tomli_w

    return DesiredFile(path=setup.path or setup.root / CONFIG_NAME, app="setup", kind="whole",
                       content=tomli_w.dumps(setup_to_dict(setup)), comment_prefix="#",
                       description="the setup: instance, primary and satellites")


def run_init(setup: Setup, *, write_config: bool = True, force: bool = False, dry_run: bool = False,
             templates: Templates | None = None, use_git: bool = True,
             extra: Sequence[DesiredFile] = ()) -> InitResult:
    """Plan and apply everything ``setup`` needs on disk, relative to ``setup.root``.

    ``write_config`` adds clerkdomains.toml itself (off when regenerating from an existing
    file); ``templates`` defaults to :func:`clerkdomains.scaffold.templates.desired_files`;
    ``extra`` files are planned with the rest (the example's .gitignore).
    """
    if templates is None:
        from .templates import desired_files as templates
    desired = [config_file(setup)] if write_config else []
    desired += templates(setup)
    desired += extra
    root = Path(setup.root)
    return apply(plan(desired, force=force, root=root), root=root, dry_run=dry_run, use_git=use_git)
