"""Error answers of the public feed (Ktor 1.6): empty 401s with a challenge, text 400s."""

from __future__ import annotations

from flask import Response

REALM = "feed-api-v1, contact support@arbeidsplassen.nav.no for access"
CHALLENGE = f'Bearer realm="{REALM}"'
CACHE_CONTROL = "public, max-age=300"  # Ktor's DefaultHeaders, on every answer
# Ktor's HttpStatusCode descriptions, which its Netty engine writes as the reason phrase
# (werkzeug would write them upper-cased); a status not listed keeps werkzeug's phrase.
REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    414: "Request-URI Too Long",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def with_reason(response: Response) -> Response:
    """The response with Ktor's status line."""
    reason = REASONS.get(response.status_code)
    if reason:
        response.status = f"{response.status_code} {reason}"
    return response


def unauthorized() -> Response:
    """Every auth failure: 401, no body, Ktor's JWT challenge."""
    return _empty(401, {"WWW-Authenticate": CHALLENGE})


def bad_request(text: str) -> Response:
    return with_reason(Response(text, status=400, mimetype="text/plain"))


def ktor_error(status: int, title: str) -> Response:
    """An unhandled route or method: Ktor answers the bare status, without a body."""
    return _empty(status, {})


def _empty(status: int, headers: dict[str, str]) -> Response:
    response = with_reason(Response(b"", status=status, headers=headers))
    del response.headers["Content-Type"]  # Ktor sends no content type with an empty answer
    return response
