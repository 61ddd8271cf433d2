"""Error answers of the Job Vacancy Feed: Javalin 7's JSON bodies, empty 404s, text 400s, and
the status lines Jetty writes."""

from __future__ import annotations

from flask import Response, request

JSON = "application/json"  # Javalin's default content type (`http.defaultContentType`)
TEXT = "text/plain"  # Javalin's ContentType.TEXT_PLAIN: no charset
_TYPES = {
    401: "https://javalin.io/documentation#unauthorizedresponse",
    404: "https://javalin.io/documentation#endpointnotfound",  # Javalin 6+: EndpointNotFound
    500: "https://javalin.io/documentation#internalservererrorresponse",
}
# Jetty's reason phrases (org.eclipse.jetty.http.HttpStatus), which differ from werkzeug's
# upper-cased ones; a status not listed keeps werkzeug's phrase.
REASONS = {
    200: "OK",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    500: "Server Error",
}


def with_reason(response: Response) -> Response:
    """The response with Jetty's status line."""
    reason = REASONS.get(response.status_code)
    if reason:
        response.status = f"{response.status_code} {reason}"
    return response


def javalin_error(status: int, title: str) -> Response:
    """Javalin's exception body: plain text as HTML for browsers, else 4-space indented JSON."""
    if "text/html" in request.headers.get("Accept", ""):
        return with_reason(Response(title, status=status, content_type="text/html"))
    kind = _TYPES.get(status, f"https://javalin.io/documentation#{status}")
    body = (
        f'{{\n    "title": "{title}",\n    "status": {status},\n'
        f'    "type": "{kind}",\n    "details": {{}}\n}}'
    )
    return with_reason(Response(body, status=status, content_type=JSON))


def unauthorized() -> Response:
    return javalin_error(401, "Unauthorized")


def not_found_empty() -> Response:
    """A handler-set 404: no body, and the app's default content type."""
    return Response(b"", status=404, content_type=JSON)


def bad_request(text: str) -> Response:
    return Response(text, status=400, content_type=TEXT)
