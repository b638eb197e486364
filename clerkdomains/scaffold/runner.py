"""``init`` as one library call: the files a setup needs (clerkdomains.toml and the
templates' app files), planned, then applied (or, with ``dry_run``, only planned).

Files are written only inside the project (the config file's folder). An app whose folder
lies outside it (``path = "../x"`` or an absolute path) stops the run with an
:class:`~clerkdomains.errors.InputError` unless ``allow_outside`` is set: a
clerkdomains.toml from a cloned repository must not be able to make ``init`` write
anywhere on the machine. With ``allow_outside``, each such app gets an
``init.path.outside`` warning and its folder joins the places files may be written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from clerkdomains.config import CONFIG_NAME, Setup, setup_to_dict
from clerkdomains.errors import InputError
from clerkdomains.findings import Finding, warning

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


def outside_folders(setup: Setup) -> list[tuple[str, Path]]:
    """(app name, folder) of every app whose folder is not inside the project folder."""
    from .templates import app_folder

    root = Path(os.path.realpath(setup.root))
    found = []
    for app in setup.apps:
        folder = Path(os.path.realpath(app_folder(setup, app)))
        if folder != root and root not in folder.parents:
            found.append((app.name, folder))
    return found


def _outside(setup: Setup, allow_outside: bool) -> tuple[list[Path], list[Finding]]:
    outside = outside_folders(setup)
    if outside and not allow_outside:
        name, folder = outside[0]
        more = f" (and {len(outside) - 1} more)" if len(outside) > 1 else ""
        raise InputError(f"{name}: its folder {folder} is outside the project folder {setup.root}{more}; "
                         "init writes only inside it", hint="pass --allow-outside to write there anyway")
    notes = [warning("init.path.outside", name, f"{folder} is outside the project folder {setup.root}; "
                     "files were planned there because of --allow-outside",
                     hint="move the app below the folder of clerkdomains.toml")
             for name, folder in outside]
    return [folder for _name, folder in outside], notes


def run_init(setup: Setup, *, write_config: bool = True, force: bool = False, dry_run: bool = False,
             templates: Templates | None = None, use_git: bool = True,
             extra: Sequence[DesiredFile] = (), allow_outside: bool = False) -> InitResult:
    """Plan and apply everything ``setup`` needs on disk, relative to ``setup.root``.

    ``write_config`` adds clerkdomains.toml itself (off when regenerating from an existing
    file); ``templates`` defaults to :func:`clerkdomains.scaffold.templates.desired_files`;
    ``extra`` files are planned with the rest (the example's .gitignore); ``allow_outside``
    lets app folders outside ``setup.root`` be written (see the module docstring).
    """
    if templates is None:
        from .templates import desired_files as templates
    allowed, notes = _outside(setup, allow_outside)
    desired = [config_file(setup)] if write_config else []
    desired += templates(setup)
    desired += extra
    root = Path(setup.root)
    planned = plan(desired, force=force, root=root, allowed=allowed)
    planned = replace(planned, findings=(*notes, *planned.findings))
    return apply(planned, root=root, dry_run=dry_run, use_git=use_git)
