"""Error answers of the public feed (Ktor 1.6): empty 401s with a challenge, text 400s."""

from __future__ import annotations

from flask import Response

REALM = "feed-api-v1, contact support@arbeidsplassen.nav.no for access"
CHALLENGE = f'Bearer realm="{REALM}"'
CACHE_CONTROL = "public, max-age=300"  # Ktor's DefaultHeaders, on every answer


def unauthorized() -> Response:
    """Every auth failure: 401, no body, Ktor's JWT challenge."""
    return _empty(401, {"WWW-Authenticate": CHALLENGE})


def bad_request(text: str) -> Response:
    return Response(text, status=400, mimetype="text/plain")


def ktor_error(status: int, title: str) -> Response:
    """An unhandled route or method: Ktor answers the bare status, without a body."""
    return _empty(status, {})


def _empty(status: int, headers: dict[str, str]) -> Response:
    response = Response(b"", status=status, headers=headers)
    del response.headers["Content-Type"]  # Ktor sends no content type with an empty answer
    return response
