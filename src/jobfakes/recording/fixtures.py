"""pytest fixtures for cassettes (re-exported by jobfakes' pytest plugin).

- `jobfakes_record_mode`: the record mode from `--jobfakes-record-mode` (default `none`, so CI
  never reaches the network by accident; `once`, `new_episodes`, `all` to (re)record);
- `jobfakes_cassette(session, path, mode=None, **options)`: record or replay a
  `requests.Session` for the rest of the test; the cassette is saved at teardown;
- `jobfakes_replay(path, **options)`: a `requests.Session` answered from a cassette only, for
  any host; a request that matches nothing raises `ReplayMiss` naming the nearest recorded ones.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from jobfakes.recording.recorder import Recording, replay_session, use_cassette


def add_options(parser: pytest.Parser) -> None:
    parser.getgroup("jobfakes").addoption(
        "--jobfakes-record-mode",
        default="none",
        choices=("none", "once", "new_episodes", "all"),
        help="Record mode of jobfakes_cassette (default: none, replay only).",
    )


@pytest.fixture
def jobfakes_record_mode(request: pytest.FixtureRequest) -> str:
    """The record mode chosen on the command line."""
    return str(request.config.getoption("--jobfakes-record-mode", default="none"))


@pytest.fixture
def jobfakes_cassette(
    jobfakes_record_mode: str,
) -> Iterator[Callable[..., Recording]]:
    """Factory: `jobfakes_cassette(session, "fixtures/x.yaml", mode=None)` -> Recording."""
    with contextlib.ExitStack() as stack:

        def use(
            session: requests.Session,
            path: str | os.PathLike[str],
            mode: str | None = None,
            **options: Any,
        ) -> Recording:
            manager = use_cassette(session, path, mode or jobfakes_record_mode, **options)
            return stack.enter_context(manager)

        yield use


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
