"""pytest plugin: a live or in-process fake per registered API, reset between tests.

Fixtures (generated from the registry, so every fake has the same ones):
- `<name>_fake`: a live server on 127.0.0.1 (started once per session and configuration);
- `<name>_inprocess`: the same handle, but requests go straight into the WSGI app;
- `jobfakes_config`: the session's `Config`; override it in a conftest.py, or set per test
  with `@pytest.mark.jobfakes(seed=7, ads=300, now="2025-01-01T00:00:00Z")`;
  `@pytest.mark.jobfakes(faults=[{"kind": "status", "status": 503, "count": 2}])` installs
  faults for the test (and `fake.admin.add_fault(...)` inside it).
Flask and the fakes are imported only when a fixture is used.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from jobfakes.admin import Admin, AdminError  # noqa: F401  (Admin was defined here before)
from jobfakes.core import registry
from jobfakes.core.config import Config, config_with
from jobfakes.errors import ConfigError
from jobfakes.recording.fixtures import (  # noqa: F401  (fixtures for cassettes)
    _jobfakes_block_network,
    _jobfakes_cassette_marker,
    add_options,
    has_pytest_recording,
    jobfakes_cassette,
    jobfakes_record_mode,
    jobfakes_replay,
)


@dataclass
class FakeHandle:
    """One fake as a test sees it: where it is, an authorised session, and its admin."""

    name: str
    base_url: str
    app: Any
    session: requests.Session  # carries a valid token for fakes with tokens
    admin: Admin
    token: str | None

    def url(self, path: str) -> str:
        return self.base_url + path


class _Pool:
    """One app per configuration; live servers started on demand, stopped at session end."""

    def __init__(self) -> None:
        self.apps: dict[Config, Any] = {}
        self.servers: dict[Config, tuple[Any, threading.Thread, str]] = {}

    def app(self, config: Config) -> Any:
        if config not in self.apps:
            from jobfakes.core.app import create_app

            self.apps[config] = create_app(config)
        return self.apps[config]

    def live_url(self, config: Config) -> str:
        if config not in self.servers:
            from werkzeug.serving import make_server

            server = make_server("127.0.0.1", 0, self.app(config), threaded=True)
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            self.servers[config] = (server, thread, f"http://127.0.0.1:{server.server_port}")
        return self.servers[config][2]

    def close(self) -> None:
        for server, thread, _ in self.servers.values():
            server.shutdown()
            thread.join(timeout=5)
        self.servers.clear()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "jobfakes(**config): world configuration for a test")
    config.addinivalue_line(
        "markers",
        "jobfakes_cassette(path=None, mode=None): record/replay the test's HTTP in a cassette",
    )
    if not has_pytest_recording():
        config.addinivalue_line("markers", "vcr: as jobfakes_cassette (pytest-recording's name)")


@pytest.fixture(scope="session")
def jobfakes_config() -> Config:
    """The session's configuration of the fakes' world (small, frozen clock)."""
    return Config(ads=500, clock="frozen")


@pytest.fixture(scope="session")
def jobfakes_pool() -> Iterator[_Pool]:
    pool = _Pool()
    yield pool
    pool.close()


def _config_for(request: pytest.FixtureRequest, base: Config) -> Config:
    marker = request.node.get_closest_marker("jobfakes")
    if not marker:
        return base
    try:
        return config_with(base, {k: v for k, v in marker.kwargs.items() if k != "faults"})
    except ConfigError as error:
        pytest.fail(f"@pytest.mark.jobfakes: {error}", pytrace=False)


def _marked_faults(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    """`@pytest.mark.jobfakes(faults=[{...}, ...])`: installed after the reset of each test."""
    marker = request.node.get_closest_marker("jobfakes")
    return list(marker.kwargs.get("faults") or []) if marker else []


@pytest.fixture
def jobfakes_mock(request: pytest.FixtureRequest) -> Iterator[Any]:
    """`jobfakes.mock` for one test: the real APIs' hosts answered by the fakes (configured as
    the other fixtures are), everything else that would leave the machine refused."""
    from jobfakes.mocking import mock

    config = _config_for(request, request.getfixturevalue("jobfakes_config"))
    fakes = mock(config=config)
    fakes._app = request.getfixturevalue("jobfakes_pool").app(config)  # reset on entering
    with fakes:
        yield fakes


def _handle(name: str, request: pytest.FixtureRequest, live: bool) -> FakeHandle:
    from jobfakes.core.adapter import WSGIAdapter

    pool: _Pool = request.getfixturevalue("jobfakes_pool")
    config = _config_for(request, request.getfixturevalue("jobfakes_config"))
    app = pool.app(config)
    session = requests.Session()
    if live:
        base_url = pool.live_url(config)
    else:
        base_url = f"http://{name}.inprocess"
        session.mount(base_url, WSGIAdapter(app))
    admin_session = requests.Session()
    admin_session.adapters = session.adapters
    if config.admin_token:
        admin_session.headers["Authorization"] = f"Bearer {config.admin_token}"
    admin = Admin(admin_session, base_url)
    admin.reset()
    faults = _marked_faults(request)
    if faults:
        admin.add_faults(faults)
    spec = registry.spec(name)
    token = admin.mint_token(name) if spec.auth else None
    authorised = requests.Session()
    authorised.adapters = session.adapters
    if token:
        authorised.headers["Authorization"] = f"Bearer {token}"
    if spec.session_headers:  # API keys and the like
        authorised.headers.update(spec.session_headers(app.extensions["jobfakes"].backends[name]))
    return FakeHandle(name, base_url, app, authorised, admin, token)


def _fixture(name: str, live: bool) -> Any:
    def fixture(request: pytest.FixtureRequest) -> FakeHandle:
        return _handle(name, request, live)

    fixture.__doc__ = f"The {name} fake, {'live on 127.0.0.1' if live else 'in process'}."
    return pytest.fixture(name=f"{name}_{'fake' if live else 'inprocess'}")(fixture)


for _name in registry.names():
    globals()[f"_{_name}_fake"] = _fixture(_name, live=True)
    globals()[f"_{_name}_inprocess"] = _fixture(_name, live=False)
