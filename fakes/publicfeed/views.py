"""Thin Flask views of the public feed: parse, call the backend, serialise."""

from __future__ import annotations

import orjson
from flask import Blueprint, Response, request
from jobfakes.fakes.publicfeed import errors, params, serialize
from jobfakes.fakes.publicfeed.backend import PublicFeedBackend

from jobfakes import contracts
from jobfakes.core.app import json_response, runtime
from jobfakes.core.auth import AuthError, bearer_token
from jobfakes.core.control import BadRequest, admin_error, json_body
from jobfakes.core.fastpath import NEVER, cacheable
from jobfakes.world.times import US

CONTRACT = "publicfeed.yaml"
_OPEN = frozenset({"publicfeed.swagger", "publicfeed.alive", "publicfeed.ready", "publicfeed.deny"})


def blueprint() -> Blueprint:
    bp = Blueprint("publicfeed", __name__)
    bp.register_error_handler(params.ParamError, lambda e: errors.bad_request(str(e)))

    def backend() -> PublicFeedBackend:
        result: PublicFeedBackend = runtime().backends["publicfeed"]
        return result

    @bp.before_request
    def authorise() -> Response | None:
        request.environ["jobfakes.fake"] = "publicfeed"
        if request.endpoint in _OPEN or request.endpoint is None:
            return None
        token = bearer_token(request.headers.get("Authorization"))
        if token is None:
            return errors.unauthorized()
        try:
            claims = backend().authorise(token)
        except AuthError:
            return errors.unauthorized()
        exp = claims.get("exp")
        if isinstance(exp, int | float) and exp * US <= runtime().world.now():
            return errors.unauthorized()
        request.environ["jobfakes.publicfeed.until"] = (
            NEVER if not isinstance(exp, int | float) else int(exp * US)
        )
        return None

    @bp.after_request
    def default_headers(response: Response) -> Response:
        if request.path.startswith("/public-feed/"):
            response.headers["Cache-Control"] = errors.CACHE_CONTROL
            return errors.with_reason(response)
        return response

    @bp.get("/public-feed/api/v1/ads")
    def ads() -> Response:
        query = params.feed_query(request.args, runtime().world.now())
        result = backend().ads(query)
        body = orjson.dumps(serialize.feed_root(result, serialize.host_name(request.host)))
        if not query.relative:  # now/today/* move with the clock: never replayed
            cacheable(request.environ["jobfakes.publicfeed.until"])
        return Response(body, mimetype="application/json")

    @bp.get("/public-feed/swagger/api/public-feed-api.yaml")
    def swagger() -> Response:
        with open(contracts.path(CONTRACT), encoding="utf-8") as handle:
            return Response(handle.read(), mimetype="application/yaml")

    @bp.get("/public-feed/internal/isAlive")
    def alive() -> Response:
        return Response("I'm alive!", mimetype="text/plain")

    @bp.get("/public-feed/internal/isReady")
    def ready() -> Response:
        return Response("Ready", mimetype="text/plain")

    @bp.post("/__admin/publicfeed/denylist")
    def deny() -> Response:
        """Deny-list `{"subject": ..., "issuedAt": 0 | iat in milliseconds}`."""
        try:
            body = json_body()
        except BadRequest as error:
            return admin_error(str(error))
        subject = body.get("subject") if isinstance(body, dict) else None
        issued = body.get("issuedAt", 0) if isinstance(body, dict) else None
        if not isinstance(subject, str) or not subject:
            return admin_error("subject must be a non-empty string")
        if not isinstance(issued, int) or isinstance(issued, bool) or not 0 <= issued < 2**63:
            return admin_error("issuedAt must be 0 (every token) or a token's iat in ms")
        backend().deny(subject, issued)
        return json_response({"subject": subject, "issuedAt": issued}, 201)

    return bp
