"""Error answers of the Job Vacancy Feed: Javalin 7's JSON bodies, empty 404s, text 400s."""

from __future__ import annotations

from flask import Response, request

_TYPES = {
    401: "https://javalin.io/documentation#unauthorizedresponse",
    404: "https://javalin.io/documentation#notfoundresponse",
    500: "https://javalin.io/documentation#internalservererrorresponse",
}


def javalin_error(status: int, title: str) -> Response:
    """Javalin's exception body: plain text for browsers, else 4-space indented JSON."""
    if "text/html" in request.headers.get("Accept", ""):
        return Response(title, status=status, mimetype="text/plain")
    kind = _TYPES.get(status, f"https://javalin.io/documentation#{status}")
    body = (
        f'{{\n    "title": "{title}",\n    "status": {status},\n'
        f'    "type": "{kind}",\n    "details": {{}}\n}}'
    )
    return Response(body, status=status, mimetype="application/json")


def unauthorized() -> Response:
    return javalin_error(401, "Unauthorized")


def not_found_empty() -> Response:
    """A handler-set 404: no body at all."""
    return Response(b"", status=404)


def bad_request(text: str) -> Response:
    return Response(text, status=400, mimetype="text/plain")
