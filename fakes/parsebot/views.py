"""Thin Flask views of parse.bot's nav.no scraper: admit the key, parse, run, wrap."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, request
from jobfakes.fakes.parsebot import errors, params, serialize
from jobfakes.fakes.parsebot.backend import ENDPOINTS, SCRAPER_ID, TIERS, ParseBotBackend

from jobfakes import contracts
from jobfakes.core.app import json_response, runtime
from jobfakes.core.control import BadRequest, admin_error, json_body, parse_json

_KEY = "jobfakes.parsebot_key"


def backend() -> ParseBotBackend:
    result: ParseBotBackend = runtime().backends["parsebot"]
    return result


def _inputs() -> params.Raw:
    """Query parameters of a GET, or the JSON object of a POST (query parameters too)."""
    raw: dict[str, list[Any]] = {k: request.args.getlist(k) for k in request.args}
    if request.method == "POST" and request.get_data():
        try:
            body = parse_json(request.get_data())
        except BadRequest as error:
            raise _BadBody(str(error)) from None
        if not isinstance(body, dict):
            raise _BadBody("the request body must be a JSON object of the endpoint's inputs")
        for key, value in body.items():
            raw[key] = [] if value is None else [value]
    return raw


class _BadBody(ValueError):
    pass


def blueprint() -> Blueprint:
    bp = Blueprint("parsebot", __name__)
    bp.register_error_handler(
        params.ParamError, lambda e: errors.bad_input(str(e), e.param)
    )  # fmt: skip
    bp.register_error_handler(
        params.WindowError,
        lambda e: errors.bad_input(str(e), "from", upstream_status_code=400),
    )
    bp.register_error_handler(_BadBody, lambda e: errors.detail(400, str(e)))

    @bp.before_request
    def admit() -> Response | None:
        request.environ["jobfakes.fake"] = "parsebot"
        if request.endpoint != "parsebot.execute":
            return None
        key = request.headers.get("X-API-Key")
        verdict = backend().admit(key)
        if verdict.outcome == "unauthorized":
            return errors.unauthorized()
        assert verdict.tier is not None
        if verdict.outcome == "rate_limited":
            return errors.rate_limited(verdict.tier.per_minute, verdict.retry_after)
        request.environ[_KEY] = (key, verdict)
        return None

    @bp.after_request
    def charge(response: Response) -> Response:
        admitted = request.environ.get(_KEY)
        if admitted is not None and response.status_code == 200:
            backend().charge(admitted[0])
        return response

    @bp.route("/scraper/<scraper_id>/<endpoint>", methods=["GET", "POST"])
    def execute(scraper_id: str, endpoint: str) -> Response:
        if scraper_id != SCRAPER_ID:
            return errors.not_found("Scraper not found")
        if endpoint not in ENDPOINTS:
            return errors.not_found(f"Endpoint '{endpoint[:60]}' not found on this scraper")
        verdict = request.environ[_KEY][1]
        if verdict.outcome == "no_credits":
            tier = verdict.tier
            return errors.no_credits(
                backend().credit_status, tier.name, tier.credits, verdict.used,
                verdict.retry_after,
            )  # fmt: skip
        raw = _inputs()
        if endpoint == "get_job_detail":
            uuid = params.job_uuid(raw)
            detail = backend().get_job_detail(uuid)
            if detail is None:
                return errors.job_not_found(uuid)
            return _ok(detail)
        query = params.search_query(raw)
        if endpoint == "search_jobs":
            return _ok(backend().search_jobs(query))
        return _ok(backend().get_facets(query))

    @bp.post("/__admin/parsebot/keys")
    def add_key() -> Response:
        try:
            body = json_body()
        except BadRequest as error:
            return admin_error(str(error))
        key = body.get("key") if isinstance(body, dict) else None
        tier = body.get("tier") if isinstance(body, dict) else None
        if not isinstance(key, str) or not key.strip() or len(key) > 200:
            return admin_error("key must be a non-empty string")
        if not isinstance(tier, str) or tier not in TIERS:
            return admin_error(f"tier must be one of {', '.join(TIERS)}")
        backend().add_key(key.strip(), tier)
        return json_response(backend().usage(key.strip()), 201)

    @bp.get("/__admin/parsebot/keys")
    def list_keys() -> Response:
        state = backend()
        return json_response([state.usage(key) for key in state.keys])

    @bp.delete("/__admin/parsebot/keys/<key_fingerprint>")
    def remove_key(key_fingerprint: str) -> Response:
        if not backend().remove_key(key_fingerprint):
            return admin_error(f"no parse.bot key with fingerprint {key_fingerprint[:80]!r}", 404)
        return json_response({"fingerprint": key_fingerprint, "removed": True})

    @bp.get("/scraper/openapi.json")
    def openapi() -> Response:
        return Response(orjson.dumps(contracts.load("parsebot.yaml")), mimetype="application/json")

    return bp


def _ok(data: Any) -> Response:
    return Response(serialize.success(data), mimetype="application/json")
