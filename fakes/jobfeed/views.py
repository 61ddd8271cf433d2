"""Thin Flask views of the Jobfeed API: authorise, count, parse, call the backend, render."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, request
from jobfakes.fakes.jobfeed import errors, params
from jobfakes.fakes.jobfeed.backend import JobfeedBackend
from jobfakes.fakes.jobfeed.params import ParamError

from jobfakes import contracts
from jobfakes.core.app import runtime
from jobfakes.core.control import BadRequest, admin_error, json_body
from jobfakes.core.guard import fingerprint

_FORM = "application/x-www-form-urlencoded"
_OPEN = frozenset({"jobfeed.openapi", "jobfeed.admin_jobs", "jobfeed.admin_accounts",
                   "jobfeed.admin_add_account", "jobfeed.admin_remove_account"})  # fmt: skip


def _backend() -> JobfeedBackend:
    result: JobfeedBackend = runtime().backends["jobfeed"]
    return result


def _pairs() -> list[tuple[str, str]]:
    """The request's parameters in order: query string, then a form body on POST."""
    pairs = list(request.args.items(multi=True))
    if request.method == "POST":
        kind = request.mimetype
        if request.content_length or kind:
            if kind != _FORM:
                raise ParamError(
                    "Content-Type",
                    f"POST bodies must be {_FORM}, not {kind or 'untyped'}",
                    status=415,
                )
            pairs += list(request.form.items(multi=True))
    return pairs


def _render(body: Any, pairs: list[tuple[str, str]]) -> Response:
    pretty = params.boolean(dict(p for p in pairs if p[0] == "_pretty"), "_pretty", False)
    option = orjson.OPT_INDENT_2 if pretty else 0
    return Response(orjson.dumps(body, option=option), mimetype="application/json")


def blueprint() -> Blueprint:
    bp = Blueprint("jobfeed", __name__)
    bp.register_error_handler(ParamError, lambda e: errors.error(e.status, str(e), e.param))

    @bp.before_request
    def authorise() -> Response | None:
        request.environ["jobfakes.fake"] = "jobfeed"
        if request.endpoint in _OPEN or request.endpoint is None:
            return None
        auth = request.authorization
        if auth is None or auth.type != "basic" or not auth.username:
            return errors.unauthorized()
        account = _backend().accounts.check(auth.username, auth.password or "")
        if account is None:
            return errors.unauthorized()
        if not account.api:  # refused before its rate limits count
            return errors.no_api_feature(account.user)
        request.environ["jobfakes.jobfeed.user"] = account.user
        state = runtime()
        now = state.world.now()
        refused = [
            verdict
            for rate in account.limits
            if not (verdict := state.limiter.hit("jobfeed", account.user, rate, now)).allowed
        ]
        if refused:
            wait = max(v.reset_after for v in refused)
            return errors.error(
                429,
                "Too Many Requests: this account may make "
                + " and ".join(str(r).replace(" per 1 ", "/") for r in account.limits),
                **{"Retry-After": str(wait)},
            )
        return None

    def user() -> str | None:
        value = request.environ.get("jobfakes.jobfeed.user")
        return None if value is None else str(value)

    @bp.get("/api/v3/fields")
    def fields() -> Response:
        pairs = _pairs()
        return _render(_backend().fields(pairs, user()), pairs)

    @bp.route("/api/v3/search", methods=["GET", "POST"])
    def search() -> Response:
        pairs = _pairs()
        options, filters = params.split(pairs, "search")
        found = _backend().search(params.search_query(options), filters, user())
        body: dict[str, Any] = {"total_count": found.total, "results": found.results}
        if found.facets is not None:
            body["facets"] = found.facets
        return _render(body, pairs)

    @bp.route("/api/v3/aggregate", methods=["GET", "POST"])
    def aggregate() -> Response:
        pairs = _pairs()
        return _render(_backend().aggregate(pairs, user()), pairs)

    @bp.route("/api/v3/count", methods=["GET", "POST"])
    def count() -> Response:
        pairs = _pairs()
        return _render({"count": _backend().count(pairs, user())}, pairs)

    @bp.get("/api/v3/openapi.json")
    def openapi() -> Response:
        return Response(orjson.dumps(contracts.load("jobfeed.yaml")), mimetype="application/json")

    @bp.get("/__admin/jobs")
    def admin_jobs() -> Response:
        return Response(_backend().ground_truth(), mimetype="application/x-ndjson")

    @bp.get("/__admin/jobfeed/accounts")
    def admin_accounts() -> Response:
        accounts = [
            {
                "user": a.user,
                "fingerprint": fingerprint(a.password),
                "limits": a.limits_text,
                "api": a.api,
                "windows": _backend().usage(a),
            }
            for a in _backend().accounts.all()
        ]
        return Response(orjson.dumps(accounts), mimetype="application/json")

    @bp.delete("/__admin/jobfeed/accounts/<user>")
    def admin_remove_account(user: str) -> Response:
        if not _backend().accounts.remove(user):
            return admin_error(f"no Jobfeed account {user[:80]!r}", 404)
        return Response(orjson.dumps({"user": user, "removed": True}), mimetype="application/json")

    @bp.post("/__admin/jobfeed/accounts")
    def admin_add_account() -> Response:
        try:
            body = json_body()
        except BadRequest as error:
            return admin_error(str(error))
        if not isinstance(body, dict):
            return admin_error("the body must be a JSON object with user and password")
        name, password = body.get("user"), body.get("password")
        if not isinstance(name, str) or not name or ":" in name:
            return admin_error("user must be a non-empty string without ':'")
        if not isinstance(password, str) or not password:
            return admin_error("password must be a non-empty string")
        limits = body.get("limits", ...)
        if limits is not ... and limits is not None and not isinstance(limits, str):
            return admin_error("limits must be a string such as '100/second' or null")
        api = body.get("api", True)
        if not isinstance(api, bool):
            return admin_error("api must be true or false (the account's API feature)")
        try:
            account = _backend().accounts.add(name, password, limits, api)
        except ValueError as error:
            return admin_error(f"limits: {error}")
        body = {
            "user": account.user,
            "fingerprint": fingerprint(account.password),
            "limits": account.limits_text,
            "api": account.api,
        }
        return Response(orjson.dumps(body), status=201, mimetype="application/json")

    return bp
