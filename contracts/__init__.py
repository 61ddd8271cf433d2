"""OpenAPI contracts of the fakes, one YAML file per upstream."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any


@cache
def load(filename: str) -> dict[str, Any]:
    """The parsed contract (cached per process)."""
    import yaml  # on first use: keeps server start-up fast

    text = resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")
    result: dict[str, Any] = yaml.safe_load(text)
    return result


def path(filename: str) -> str:
    return str(resources.files(__name__).joinpath(filename))
