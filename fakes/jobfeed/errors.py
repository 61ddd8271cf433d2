"""Error answers of the Jobfeed fake: a JSON object with the status code and a message that
names the parameter."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def error(status: int, message: str, parameter: str | None = None, **headers: Any) -> Response:
    body: dict[str, Any] = {
        "code": status,
        "error": _TITLES.get(status, "Error"),
        "message": message,
    }
    if parameter is not None:
        body["parameter"] = parameter
    return Response(orjson.dumps(body), status=status, mimetype="application/json", headers=headers)


def error_body(status: int, title: str) -> Response:
    """The core's hook for errors outside the views (404 of unknown paths, 405)."""
    return error(status, title)


def unauthorized() -> Response:
    return error(
        401,
        "Basic authentication with a Jobfeed username and password is required",
        **{"WWW-Authenticate": 'Basic realm="Jobfeed API"'},
    )


# An account whose credentials are right but that lacks the API feature. The real answer is not
# public; 403 says "known, not allowed", where a 401 would tell the client to fix credentials
# that are right (and clients retry or re-prompt on a 401).
NO_API_FEATURE_STATUS = 403


def no_api_feature(user: str) -> Response:
    return error(
        NO_API_FEATURE_STATUS,
        f"The account {user!r} does not have the API feature enabled; ask Textkernel to enable it",
    )
