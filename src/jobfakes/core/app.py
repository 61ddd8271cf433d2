"""The app factory: one Flask app serving the chosen fakes and the control plane."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import orjson
from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from jobfakes.core import guard, registry
from jobfakes.core.config import Config
from jobfakes.core.fastpath import BODY_LIMIT, FastPath, latency_since
from jobfakes.core.faultlayer import FaultLayer
from jobfakes.core.faults import FaultBook
from jobfakes.core.headersize import HeaderSize
from jobfakes.core.journal import Journal
from jobfakes.core.ratelimit import Limiter
from jobfakes.core.registry import FakeSpec
from jobfakes.world.store import traffic_path
from jobfakes.world.world import World

log = logging.getLogger("jobfakes")


@dataclass
class Runtime:
    """The state of one app: its world, journal, rate-limit counts and the backends of its
    fakes. A backend may define `reset()`, which the control plane's reset calls."""

    config: Config
    world: World
    specs: list[FakeSpec]
    journal: Journal = field(default_factory=Journal)
    backends: dict[str, Any] = field(default_factory=dict)
    limiter: Limiter = field(default_factory=Limiter)
    faults: FaultBook = field(init=False)

    def reset(self) -> None:
        """Back to the start: the world, the journal, the counts and each backend's state."""
        self.world.reset()
        self.journal.clear()
        self.limiter.reset()
        self.faults.reset()
        self.world.reset_entries("scenario", {})  # core/scenario_admin.py: no run, no report
        for backend in self.backends.values():
            reset = getattr(backend, "reset", None)
            if reset is not None:
                reset()


def runtime() -> Runtime:
    """The runtime of the current app."""
    result: Runtime = current_app.extensions["jobfakes"]
    return result


def json_response(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, mimetype="application/json")


def create_app(config: Config | None = None, world: World | None = None) -> Flask:
    """A new app with a fresh world (or the given one, built from the same config): the fakes
    named in `config.fakes`, or all of them."""
    config = config or Config()
    wanted = config.fakes or tuple(registry.names())
    specs = [registry.spec(name) for name in wanted]
    app = Flask("jobfakes")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    world = world or World(config.world())
    state = Runtime(
        config=config,
        world=world,
        specs=specs,
        journal=_journal(config, world),
        limiter=Limiter(config.redis_url, shared_file=traffic_path(world.store.path)),
    )
    app.extensions["jobfakes"] = state
    log = None
    if config.redis_url:  # replicas: the world's changes go through one log in Redis
        from jobfakes.world.changelog import RedisChangeLog

        log = RedisChangeLog.join(world, config.redis_url)
    state.faults = FaultBook(world, [s.name for s in specs], traffic_path(world.store.path),
                             config.redis_url)  # fmt: skip
    from jobfakes.core.control import control_blueprint
    from jobfakes.core.faults_admin import faults_blueprint, load_faults
    from jobfakes.core.scenario_admin import scenario_blueprint
    from jobfakes.core.traffic import traffic_blueprint
    from jobfakes.core.ui import ui_blueprint

    for item in specs:
        state.backends[item.name] = item.backend(state)
        app.register_blueprint(item.blueprint())
    if config.faults_file:  # configured, like keys and accounts: each replica installs its own
        state.faults.install_initial(load_faults(config.faults_file))
    if log is not None:
        log.follow()
    app.register_blueprint(traffic_blueprint())  # before the control plane: its /requests
    app.register_blueprint(control_blueprint())
    app.register_blueprint(ui_blueprint())
    app.register_blueprint(faults_blueprint())
    app.register_blueprint(scenario_blueprint())
    app.before_request(_before)
    app.after_request(_after)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _crash)
    app.wsgi_app = FastPath(app.wsgi_app, state)  # type: ignore[method-assign]
    app.wsgi_app = HeaderSize(app.wsgi_app, app)  # type: ignore[method-assign]
    app.wsgi_app = FaultLayer(app.wsgi_app, app, state)  # type: ignore[method-assign]
    return app


def _journal(config: Config, world: World) -> Journal:
    """In Redis for replicas, in the traffic file for the workers of a file world."""
    if config.redis_url:
        from jobfakes.core.journal_redis import RedisJournal
        from jobfakes.world.changelog import prefix

        return RedisJournal(config.redis_url, f"{prefix(world)}:journal", config.journal_size)
    return Journal(config.journal_size, traffic_path(world.store.path))


def _before() -> Response | None:
    if request.path.startswith("/__admin"):
        config = runtime().config
        refused = guard.refusal(request.environ, config.admin_token, config.allow_hosts)
        if refused is not None:
            status, reason = refused
            error = "Unauthorized" if status == 401 else "Forbidden"
            return json_response({"error": error, "status": status, "message": reason}, status)
    if not request.environ.get("jobfakes.synced"):  # the fast path has synced GETs already
        runtime().world.sync()
    return None


def _after(response: Response) -> Response:
    if not request.path.startswith("/__admin/"):
        state = runtime()
        state.journal.record(
            state.world.now(),
            request.method,
            request.path,
            request.query_string.decode("latin-1"),
            response.status_code,
            request.environ.get("jobfakes.fake"),
            latency_since(request.environ),
            request.environ.get("jobfakes.fault"),
            _body_size(response, request.environ),
        )
    return response


def _body_size(response: Response, environ: dict[str, Any]) -> int:
    """The body's bytes on the wire (after compression); a cut fault's share when it cuts."""
    size = response.content_length
    if size is None:
        size = 0 if response.is_streamed else len(response.get_data())
    limit = environ.get(BODY_LIMIT)
    return size if limit is None else min(size, int(limit))


def _http_error(error: HTTPException) -> Response:
    state = runtime()
    spec = registry.owner(state.specs, request.path)
    status = error.code or 500
    if isinstance(error, MethodNotAllowed):  # Javalin and friends answer 404 for these
        error, status = NotFound(), 404
    if spec and spec.error_body:
        title = (
            f"Endpoint {request.method} {request.path} not found" if status == 404 else (error.name)
        )
        return spec.error_body(status, title)
    return json_response(
        {"error": error.name, "status": status, "message": error.description}, status
    )


def _crash(error: Exception) -> Response:
    log.exception("unhandled error in a fake", exc_info=error)
    return json_response(
        {
            "error": "Internal Server Error",
            "status": 500,
            "message": f"{type(error).__name__} in the fake; see the server log",
        },
        500,
    )
