"""jobfakes: faithful fakes of Norwegian and Dutch job-ad APIs, their clients and contracts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Config", "NetworkBlocked", "__version__", "create_app", "mock"]

if TYPE_CHECKING:
    from jobfakes.core.app import create_app
    from jobfakes.core.config import Config
    from jobfakes.mocking import NetworkBlocked, mock


def __getattr__(name: str) -> Any:  # lazy: importing jobfakes does no work and loads no Flask
    if name == "create_app":
        from jobfakes.core.app import create_app

        return create_app
    if name == "Config":
        from jobfakes.core.config import Config

        return Config
    if name in ("mock", "NetworkBlocked"):  # `jobfakes.mock(...)`, as moto's and responses'
        from jobfakes import mocking

        return getattr(mocking, name)
    raise AttributeError(name)
