"""The control plane under /__admin/: the same JSON verbs on every fake."""

from __future__ import annotations

from typing import Any, cast

import orjson
from flask import Blueprint, Response, request

from jobfakes.core import registry
from jobfakes.core.app import json_response, runtime
from jobfakes.world.clock import ClockMode
from jobfakes.world.model import Ad
from jobfakes.world.times import DAY, iso_java, iso_utc, parse_duration, parse_instant
from jobfakes.world.world import WorldError

MAX_JSON_DEPTH = 32  # arrays and objects in a control-plane body (none of ours nests past 3)
MAX_MOVE = 100 * DAY  # world time one clock move may cover: its cost grows with each day
MAX_MOVE_TEXT = "P100D"
MAX_INSTANT = 221_845_392_000 * 1_000_000  # 9000-01-01Z: leaves room for dates after it


class BadRequest(ValueError):
    """Rendered as a JSON 400 naming what was wrong."""


def control_blueprint() -> Blueprint:
    bp = Blueprint("jobfakes_admin", __name__, url_prefix="/__admin")
    bp.register_error_handler(BadRequest, lambda e: _error(400, str(e)))
    bp.register_error_handler(WorldError, lambda e: _error(400, str(e)))
    bp.register_error_handler(KeyError, lambda e: _error(404, f"no ad with uuid {e.args[0]}"))

    @bp.get("/health")
    def health() -> Response:
        state = runtime()
        return json_response(
            {
                "status": "ok",
                "fakes": [s.name for s in state.specs],
                "now": iso_utc(state.world.now()),
            }
        )

    @bp.post("/reset")
    def reset() -> Response:
        state = runtime()
        state.reset()
        return json_response({"status": "reset", "now": iso_utc(state.world.now())})

    @bp.get("/clock")
    def get_clock() -> Response:
        return _clock()

    @bp.post("/clock")
    def set_clock() -> Response:
        body = _body()
        world = runtime().world
        mode = _mode(body)
        if "now" in body and "advance" in body:
            raise BadRequest("give either 'now' or 'advance', not both")
        if "now" in body:
            target = _bounded_move(world.now(), _instant(body["now"], "now"), "now")
            world.set_clock(target, mode=mode)
        elif "advance" in body:
            try:
                step = parse_duration(str(body["advance"]))
            except ValueError as error:
                raise BadRequest(f"advance: {error}") from None
            except ArithmeticError:  # OverflowError: beyond what a timedelta holds
                raise BadRequest(f"advance: longer than one move ({MAX_MOVE_TEXT})") from None
            if step < 0:
                raise BadRequest("advance: the clock cannot move backwards")
            _bounded_move(world.now(), world.now() + step, "advance")
            world.set_clock(advance=step, mode=mode)  # from the shared clock, read in the write
        elif mode is not None:
            world.set_clock(mode=mode)  # stays where it is: frozen there, or running from there
        else:
            raise BadRequest(
                "expected {'now': ISO instant}, {'advance': ISO duration}"
                " or {'mode': 'frozen' | 'running'}"
            )
        return _clock()

    @bp.get("/ads")
    def list_ads() -> Response:
        status = request.args.get("status")
        if status not in (None, "ACTIVE", "INACTIVE"):
            raise BadRequest("status must be ACTIVE or INACTIVE")
        rows = runtime().world.store.ground_truth(status)
        return json_response(
            [
                {
                    "uuid": u,
                    "status": s,
                    "updated": iso_java(up),
                    "expires": iso_java(ex) if ex is not None else None,
                }
                for u, s, up, ex in rows
            ]
        )

    @bp.get("/ads/<uuid>")
    def get_ad(uuid: str) -> Response:
        ad = runtime().world.ad(uuid)
        if ad is None:
            raise KeyError(uuid)
        return json_response(_ad_json(ad))

    @bp.post("/ads")
    def create_ad() -> Response:
        ad = runtime().world.create_ad(_ad_fields(_body()))
        return json_response(_ad_json(ad), 201)

    @bp.patch("/ads/<uuid>")
    def update_ad(uuid: str) -> Response:
        return json_response(_ad_json(runtime().world.update_ad(uuid, _ad_fields(_body()))))

    @bp.post("/ads/<uuid>/stop")
    def stop_ad(uuid: str) -> Response:
        return json_response(_ad_json(runtime().world.stop_ad(uuid)))

    # GET /requests (filtered, paged) is core/traffic.py's.
    @bp.delete("/requests")
    def clear_journal() -> Response:
        runtime().journal.clear()
        return json_response({"status": "cleared"})

    @bp.post("/tokens")
    def mint_token() -> Response:
        body = _body()
        spec = _token_fake(body)
        world = runtime().world
        subject = body.get("subject", spec.default_subject)
        if not isinstance(subject, str) or not subject:
            raise BadRequest("subject must be a non-empty string")
        expires = _instant(body["expires"], "expires") if body.get("expires") else None
        assert spec.auth is not None
        token = spec.auth.mint(
            runtime().config.secret(spec.name),
            subject,
            world.now(),
            expires,
            kid=body.get("kid"),
        )
        return json_response({"fake": spec.name, "subject": subject, "token": token}, 201)

    @bp.post("/tokens/revoke")
    def revoke_token() -> Response:
        body = _body()
        spec = _token_fake(body)
        token = body.get("token")
        if not isinstance(token, str) or not token:
            raise BadRequest("token must be the token string to revoke")
        runtime().world.revoke(spec.name, token)
        return json_response({"fake": spec.name, "revoked": True})

    return bp


def admin_error(message: str, status: int = 400) -> Response:
    """A control-plane error (every fake's `/__admin` routes answer in this shape)."""
    return _error(status, message)


def _error(status: int, message: str) -> Response:
    return json_response(
        {
            "error": "Bad Request" if status == 400 else "Not Found",
            "status": status,
            "message": message,
        },
        status,
    )


def _clock() -> Response:
    world = runtime().world
    return json_response({"now": iso_utc(world.now()), "mode": world.clock.mode})


def parse_json(data: bytes) -> Any:
    """Strict JSON (no NaN or Infinity) nested at most MAX_JSON_DEPTH deep; else BadRequest."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise BadRequest(f"the request body is not valid JSON: {error}") from None
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:  # iterative: a deep body must not exhaust the interpreter's stack
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise BadRequest(f"the request body nests deeper than {MAX_JSON_DEPTH} levels")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return value


def json_body() -> Any:
    """The request's JSON body, None when it is empty; BadRequest when it is not JSON."""
    data = request.get_data()
    return parse_json(data) if data.strip() else None


def _body() -> dict[str, Any]:
    body = json_body()
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    return body


def _mode(body: dict[str, Any]) -> ClockMode | None:
    """The clock mode a body asks for, None when it asks for none; BadRequest naming it."""
    if "mode" not in body:
        return None
    mode = body["mode"]
    if mode in ("frozen", "running"):
        return cast("ClockMode", mode)
    raise BadRequest(f"mode: expected 'frozen' or 'running', got {mode!r}")


def _bounded_move(now: int, target: int, name: str) -> int:
    """A clock target within one move's reach and the calendar's; BadRequest naming `name`."""
    if target > MAX_INSTANT:
        raise BadRequest(f"{name}: the clock stops at {iso_utc(MAX_INSTANT)}")
    if target - now > MAX_MOVE:
        raise BadRequest(
            f"{name}: one move covers at most {MAX_MOVE_TEXT} of world time (the world generates"
            f" every day it passes); move from {iso_utc(now)} in steps"
        )
    return target


def _instant(value: Any, name: str) -> int:
    try:
        return parse_instant(str(value))
    except (ValueError, OverflowError, ArithmeticError):
        raise BadRequest(f"{name}: not an ISO 8601 instant: {value!r}") from None


def _token_fake(body: dict[str, Any]) -> registry.FakeSpec:
    with_tokens = [s for s in runtime().specs if s.auth is not None]
    name = body.get("fake") or (with_tokens[0].name if len(with_tokens) == 1 else None)
    for spec in with_tokens:
        if spec.name == name:
            return spec
    raise BadRequest(f"fake must be one of {', '.join(s.name for s in with_tokens)}")


def _ad_fields(body: dict[str, Any]) -> dict[str, Any]:
    fields = dict(body)
    if fields.get("expires") is not None:
        fields["expires"] = _instant(fields["expires"], "expires")
    return fields


def _ad_json(ad: Ad) -> dict[str, Any]:
    out = dict(ad)
    for key in ("published", "expires", "updated"):
        if isinstance(out.get(key), int):
            out[key] = iso_java(out[key])
    return out
