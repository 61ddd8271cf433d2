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
from dataclasses import dataclass, replace
from typing import Any

import pytest
import requests

from jobfakes.core import registry
from jobfakes.core.config import Config
from jobfakes.recording.fixtures import (  # noqa: F401  (fixtures for cassettes)
    add_options,
    jobfakes_cassette,
    jobfakes_record_mode,
    jobfakes_replay,
)


class Admin:
    """The control plane of one fake server, over HTTP."""

    def __init__(self, session: requests.Session, base_url: str):
        self.session, self.url = session, base_url + "/__admin"

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.session.request(method, self.url + path, timeout=120, **kwargs)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self._call("POST", "/reset")

    def clock(self) -> str:
        return str(self._call("GET", "/clock")["now"])

    def set_clock(self, now: str) -> str:
        return str(self._call("POST", "/clock", json={"now": now})["now"])

    def advance(self, duration: str) -> str:
        return str(self._call("POST", "/clock", json={"advance": duration})["now"])

    def ads(self, status: str | None = None) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call(
            "GET", "/ads", params={"status": status} if status else None
        )
        return result

    def create_ad(self, **fields: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", "/ads", json=fields)
        return result

    def update_ad(self, uuid: str, **fields: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._call("PATCH", f"/ads/{uuid}", json=fields)
        return result

    def stop_ad(self, uuid: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", f"/ads/{uuid}/stop")
        return result

    def requests(self, **filters: Any) -> list[dict[str, Any]]:
        """The journal, oldest first; filters (`fake`, `method`, `path` pattern, `status`,
        `since` instant, `fault` id) as in `jobfakes.calls.select`."""
        from jobfakes.calls import select

        result: list[dict[str, Any]] = self._call("GET", "/requests")
        return select(result, **filters) if filters else result

    def assert_called(
        self, path: str, times: int | None = None, **filters: Any
    ) -> list[dict[str, Any]]:
        """The calls to `path` (a pattern), asserting there were `times` (or at least one);
        the failure lists the nearest calls seen."""
        from jobfakes.calls import check_called

        return check_called(self.requests(), path, times, **filters)

    def assert_not_called(self, path: str, **filters: Any) -> None:
        from jobfakes.calls import check_not_called

        check_not_called(self.requests(), path, **filters)

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def mint_token(
        self, fake: str, subject: str = "test@example.com", expires: str | None = None
    ) -> str:
        body = {"fake": fake, "subject": subject, **({"expires": expires} if expires else {})}
        return str(self._call("POST", "/tokens", json=body)["token"])

    def revoke_token(self, fake: str, token: str) -> None:
        self._call("POST", "/tokens/revoke", json={"fake": fake, "token": token})

    # ---- faults (core/faults.py) ----------------------------------------------------------
    def faults(self) -> list[dict[str, Any]]:
        """The installed faults, each with its `matched` and `taken` counts."""
        result: list[dict[str, Any]] = self._call("GET", "/faults")["faults"]
        return result

    def add_fault(self, kind: str, **spec: Any) -> dict[str, Any]:
        """Install one fault: `admin.add_fault("status", status=503, path="/api/v1/feed*",
        count=2)`; returns it as installed (with its id)."""
        return self.add_faults([{"kind": kind, **spec}])[0]

    def add_faults(self, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("POST", "/faults", json=specs)["faults"]
        return result

    def remove_fault(self, ident: str) -> None:
        self._call("DELETE", f"/faults/{ident}")

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def run_scenario(
        self, source: str, on_sync: Any = None, tokens: dict[str, str] | None = None
    ) -> Any:
        """Run a scenario (a file, or a shipped name) on this fake's world; `on_sync(n)` runs
        the consumer at each sync step. Returns the run's log (`jobfakes.scenario.RunLog`)."""
        from jobfakes.scenario import Control, load, run

        control = Control(self.url[: -len("/__admin")], self.session)
        return run(load(source), control, on_sync=on_sync, tokens=tokens)

    def verify(
        self,
        scenario: str,
        consumer: Any,
        export: Any,
        tokens: dict[str, str] | None = None,
        on_token: Any = None,
    ) -> Any:
        """Run `scenario` with `consumer(n)` at each sync step and check `export` (a file, or
        a callable returning rows) against the world: a `jobfakes.verify.Report`."""
        from jobfakes.scenario import Control
        from jobfakes.verify import verify

        control = Control(self.url[: -len("/__admin")], self.session)
        return verify(scenario, control, consumer, export, tokens=tokens, on_token=on_token)

    def fault(self, ident: str) -> dict[str, Any]:
        """One installed fault with its counts; KeyError when there is none."""
        for item in self.faults():
            if item["id"] == ident:
                return item
        raise KeyError(ident)


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
    settings = {k: v for k, v in marker.kwargs.items() if k != "faults"}
    return replace(base, **settings)


def _marked_faults(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    """`@pytest.mark.jobfakes(faults=[{...}, ...])`: installed after the reset of each test."""
    marker = request.node.get_closest_marker("jobfakes")
    return list(marker.kwargs.get("faults") or []) if marker else []


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
