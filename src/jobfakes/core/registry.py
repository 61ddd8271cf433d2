"""The registry of fakes: each package under `jobfakes.fakes` exports a `SPEC`.

Nothing lists the fakes by hand: the app factory, the CLI, the pytest plugin and the
conformance tests all iterate `names()`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Blueprint, Response

    from jobfakes.core.app import Runtime
    from jobfakes.core.auth import JwtScheme


@dataclass(frozen=True)
class FakeSpec:
    """What the core needs to know about one fake."""

    name: str
    title: str
    blueprint: Callable[[], Blueprint]
    backend: Callable[[Runtime], Any]
    contract: str  # file name in jobfakes.contracts
    contract_url: str  # the path the fake serves it at
    prefixes: tuple[str, ...]  # URL prefixes the fake owns (for its own 404 body)
    auth: JwtScheme | None = None
    error_body: Callable[[int, str], Response] | None = None  # (status, title) -> response
    default_subject: str = "jobfakes@example.com"
    banner: Callable[[Any], list[str]] | None = None  # backend -> lines `serve` prints at start
    session_headers: Callable[[Any], dict[str, str]] | None = None  # backend -> test headers
    # backend -> fresh credentials for one contract-test case (default: the session's)
    contract_headers: Callable[[Any], dict[str, str]] | None = None


def names() -> list[str]:
    """Names of every installed fake, without importing them."""
    package = importlib.import_module("jobfakes.fakes")
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.ispkg)


def spec(name: str) -> FakeSpec:
    """The SPEC of one fake; KeyError if there is no such fake."""
    if name not in names():
        raise KeyError(name)
    result: FakeSpec = importlib.import_module(f"jobfakes.fakes.{name}").SPEC
    return result


def owner(specs: list[FakeSpec], path: str) -> FakeSpec | None:
    """The fake whose prefix is the longest match for a path (none for the control plane)."""
    if path.startswith("/__admin"):
        return None
    best: tuple[int, FakeSpec | None] = (0, None)
    for item in specs:
        for prefix in item.prefixes:
            if path.startswith(prefix) and len(prefix) > best[0]:
                best = (len(prefix), item)
    return best[1]
