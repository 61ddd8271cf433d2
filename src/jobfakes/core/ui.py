"""The dashboard at `/__admin/ui`: one static page (HTML, a script, a style sheet shipped in the
package, nothing from a CDN) and the JSON it reads besides the control plane's own routes.

The page itself holds no data: it reads everything through the control plane with the admin
token the user gives it (kept in the tab's sessionStorage), so the guard lets the page through
without a token and guards every JSON route as before.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from flask import Blueprint, Response, request

from jobfakes.core.app import json_response, runtime
from jobfakes.core.insight import MAX_DAYS, lookup, world_summary

PAGES = {
    "/__admin/ui": ("index.html", "text/html; charset=utf-8"),
    "/__admin/ui/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/__admin/ui/app.css": ("app.css", "text/css; charset=utf-8"),
}
_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)


@lru_cache(maxsize=8)
def _asset(name: str) -> bytes:
    return resources.files("jobfakes.core").joinpath("dashboard", name).read_bytes()


def ui_blueprint() -> Blueprint:
    bp = Blueprint("jobfakes_ui", __name__, url_prefix="/__admin")

    def page() -> Response:
        name, kind = PAGES[request.path]
        response = Response(_asset(name), content_type=kind)
        response.headers["Content-Security-Policy"] = _POLICY
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-cache"
        return response

    for path in PAGES:
        bp.add_url_rule(
            path.removeprefix("/__admin"), "page_" + path.rsplit("/", 1)[-1].replace(".", "_"), page
        )

    @bp.get("/world")
    def world() -> Response:
        days = request.args.get("days", "14")
        if not days.isdigit() or not 1 <= int(days) <= MAX_DAYS:
            return _bad(f"days: expected a whole number from 1 to {MAX_DAYS}")
        return json_response(world_summary(runtime(), int(days)))

    @bp.get("/lookup/<ident>")
    def find(ident: str) -> Response:
        if len(ident) > 200:
            return _bad("id: longer than 200 characters")
        return json_response({"id": ident, "fakes": lookup(runtime(), ident)})

    return bp


def _bad(message: str) -> Response:
    return json_response({"error": "Bad Request", "status": 400, "message": message}, 400)
