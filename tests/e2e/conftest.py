"""The loopback deployment fixture, started once per session; test modules import it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import require_node_modules

from e2e.deployment import Deployment, start


@pytest.fixture(scope="session")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    require_node_modules("@clerk/backend")
    d = start(tmp_path_factory.mktemp("deployment"))
    try:
        yield d
    finally:
        d.stop()
