"""The satellite's sign-in/up link component shared by the React frameworks (Next.js,
TanStack Start), and the ``<header>`` that uses it in the root layout."""

from __future__ import annotations

from pathlib import Path

from ._options import render
from .model import DesiredFile

LINKS_DESCRIPTION = "SignInLink / SignUpLink built with buildSignInUrl() / buildSignUpUrl()"


def auth_links_file(path: Path, app_name: str, package: str, *, use_client: bool) -> DesiredFile:
    content = render("react", "auth-links.tsx.tmpl", package=package,
                     directive="'use client'\n\n" if use_client else "")
    return DesiredFile(path=path, app=app_name, kind="whole", content=content, description=LINKS_DESCRIPTION)


def satellite_header(indent: str) -> str:
    """Signed-out visitors get the Clerk-built links, signed-in ones the user button."""
    return "\n".join([
        f"{indent}<header>",
        f'{indent}  <Show when="signed-out">',
        f"{indent}    <SignInLink /> <SignUpLink />",
        f"{indent}  </Show>",
        f'{indent}  <Show when="signed-in">',
        f"{indent}    <UserButton />",
        f"{indent}  </Show>",
        f"{indent}</header>",
    ])


def provider_open(props: str, indent: str) -> str:
    """``<ClerkProvider ...props>`` as written at ``indent`` (props already indented)."""
    return f"<ClerkProvider{props}\n{indent}>" if props else "<ClerkProvider>"


def provider_snippet(opening: str, indent: str) -> str:
    """What to add by hand to an existing root layout: the provider around the app."""
    return opening.replace("\n" + indent, "\n") + "\n  {children}\n</ClerkProvider>"


def root_parts(is_satellite: bool, body_indent: str) -> tuple[str, str, str]:
    """(names imported from the Clerk package, local imports, body) of a React root layout:
    a satellite's body starts with the header holding the Clerk-built links."""
    if not is_satellite:
        return "ClerkProvider", "", f"{body_indent}{{children}}"
    return ("ClerkProvider, Show, UserButton",
            "\nimport { SignInLink, SignUpLink } from '../components/auth-links'\n",
            satellite_header(body_indent) + f"\n{body_indent}{{children}}")
