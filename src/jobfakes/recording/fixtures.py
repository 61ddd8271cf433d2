"""pytest fixtures for cassettes (re-exported by jobfakes' pytest plugin).

- `jobfakes_record_mode`: the record mode from `--record-mode` (pytest-recording's name; or
  `--jobfakes-record-mode`; default `none`, so CI never reaches the network by accident;
  `once`, `new_episodes`, `all` (or `rewrite`) to (re)record);
- `jobfakes_cassette(session, path, mode=None, **options)`: record or replay a
  `requests.Session` for the rest of the test (or a `with` block); saved at the end;
- `@pytest.mark.jobfakes_cassette` (or `@pytest.mark.vcr` without pytest-recording): every
  request of the test through a cassette at `cassettes/<module>/<test>.yaml`;
- `--block-network`: connections past loopback fail during tests;
- `jobfakes_replay(path, **options)`: a `requests.Session` answered from a cassette only, for
  any host; a request that matches nothing raises `ReplayMiss` naming the nearest recorded ones.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter

from jobfakes.recording.recorder import Recording, replay_session, use_cassette

MODES = ("none", "once", "new_episodes", "all", "rewrite")  # rewrite: pytest-recording's "all"


def has_pytest_recording() -> bool:
    """pytest-recording owns `--record-mode`, `--block-network` and `@pytest.mark.vcr` then."""
    import importlib.util

    return importlib.util.find_spec("pytest_recording") is not None


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("jobfakes")
    theirs = has_pytest_recording()
    group.addoption(
        *(["--jobfakes-record-mode"] if theirs else ["--record-mode", "--jobfakes-record-mode"]),
        dest="jobfakes_record_mode",
        default=None,
        choices=MODES,
        help="Record mode of jobfakes cassettes (default: none, replay only).",
    )
    group.addoption(
        *(
            ["--jobfakes-block-network"]
            if theirs
            else ["--block-network", "--jobfakes-block-network"]
        ),
        dest="jobfakes_block_network",
        action="store_true",
        help="Fail every connection that would leave the machine (loopback stays open).",
    )


def record_mode(config: pytest.Config) -> str:
    """The record mode chosen on the command line (ours, else pytest-recording's)."""
    mode = config.getoption("jobfakes_record_mode", default=None)
    if mode is None:
        mode = config.getoption("record_mode", default=None) or "none"
    return "all" if mode == "rewrite" else str(mode)


@pytest.fixture
def jobfakes_record_mode(request: pytest.FixtureRequest) -> str:
    """The record mode chosen on the command line."""
    return record_mode(request.config)


@pytest.fixture
def jobfakes_cassette(
    jobfakes_record_mode: str,
) -> Iterator[Callable[..., Recording]]:
    """Factory: `jobfakes_cassette(session, "fixtures/x.yaml", mode=None)` -> Recording, active
    until the test ends, or until the end of a `with` block when used as one."""
    with contextlib.ExitStack() as stack:

        def use(
            session: requests.Session,
            path: str | os.PathLike[str],
            mode: str | None = None,
            **options: Any,
        ) -> Recording:
            own = contextlib.ExitStack()
            recording = own.enter_context(
                use_cassette(session, path, mode or jobfakes_record_mode, **options)
            )
            recording.on_exit = own.close
            stack.callback(own.close)
            return recording

        yield use


def cassette_path(request: pytest.FixtureRequest) -> Path:
    """`cassettes/<module>/<test>.yaml` beside the test file, as pytest-recording lays them."""
    module = Path(str(request.node.path))
    name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    return module.parent / "cassettes" / module.stem / f"{name}.yaml"


@pytest.fixture(autouse=True)
def _jobfakes_cassette_marker(request: pytest.FixtureRequest) -> Iterator[Recording | None]:
    """`@pytest.mark.jobfakes_cassette(path=None, mode=None, **options)`: every request of the
    test, over any requests.Session (real network or in-process fakes), is recorded into or
    replayed from the cassette (default path: `cassette_path`)."""
    marker = request.node.get_closest_marker("jobfakes_cassette")
    if marker is None and not has_pytest_recording():
        marker = request.node.get_closest_marker("vcr")
    if marker is None:
        yield None
        return
    options = dict(marker.kwargs)
    path = options.pop("path", None) or (marker.args[0] if marker.args else None)
    mode = options.pop("mode", None) or options.pop("record_mode", None)
    mode = mode or record_mode(request.config)
    mode = "all" if mode == "rewrite" else mode
    with all_sessions(path or cassette_path(request), mode, **options) as recording:
        yield recording


@contextlib.contextmanager
def all_sessions(path: str | os.PathLike[str], mode: str, **options: Any) -> Iterator[Recording]:
    """Record or replay every requests transport (HTTP and the in-process adapter) at once;
    the fakes' control plane (`/__admin/`) is left out: it sets a test up, it is not the API."""
    from unittest.mock import patch

    from requests.adapters import HTTPAdapter

    from jobfakes.core.adapter import WSGIAdapter
    from jobfakes.recording.recorder import CassetteAdapter

    recording = Recording(path, mode, **options)

    def through(real: Any) -> Any:
        def send(adapter: Any, request: requests.PreparedRequest, *args: Any, **kw: Any) -> Any:
            if urlsplit(request.url or "").path.startswith("/__admin"):
                return real(adapter, request, *args, **kw)  # the fakes' control, not the API
            inner = _Bound(adapter, real)
            return CassetteAdapter(inner, recording).send(request, *args, **kw)

        return send

    with (
        patch.object(HTTPAdapter, "send", through(HTTPAdapter.send)),
        patch.object(WSGIAdapter, "send", through(WSGIAdapter.send)),
    ):
        try:
            yield recording
        finally:
            recording.save()


class _Bound(BaseAdapter):
    """An adapter whose `send` is the unpatched one (what the cassette calls to record)."""

    def __init__(self, adapter: Any, send: Any):
        super().__init__()
        self.adapter, self._send = adapter, send

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        return self._send(self.adapter, request, *args, **kwargs)

    def close(self) -> None:
        self.adapter.close()


@pytest.fixture(autouse=True)
def _jobfakes_block_network(request: pytest.FixtureRequest) -> Iterator[None]:
    """With `--block-network`, a test cannot reach past loopback."""
    if not request.config.getoption("jobfakes_block_network", default=False):
        yield
        return
    from jobfakes.netblock import blocked_network

    with blocked_network():
        yield


@pytest.fixture
def jobfakes_replay() -> Iterator[Callable[..., requests.Session]]:
    """Factory: `jobfakes_replay("fixtures/x.yaml")` -> a session that only replays."""
    sessions: list[requests.Session] = []

    def open_session(path: str | os.PathLike[str], **options: Any) -> requests.Session:
        session, recording = replay_session(path, **options)
        session.jobfakes_recording = recording  # type: ignore[attr-defined]
        sessions.append(session)
        return session

    yield open_session
    for session in sessions:
        session.close()
