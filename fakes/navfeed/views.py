"""Thin Flask views of the Job Vacancy Feed: parse, call the backend, serialise."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, request
from jobfakes.fakes.navfeed import compress, errors, params, serialize
from jobfakes.fakes.navfeed.backend import FEED_AUTH, FeedPage, NavFeedBackend

from jobfakes import contracts
from jobfakes.core.app import runtime
from jobfakes.core.auth import AuthError, bearer_token
from jobfakes.core.cache import VersionedCache
from jobfakes.core.fastpath import NEVER, cacheable
from jobfakes.world.times import rfc1123_java


class _JavalinResponse(Response):
    """Keeps Last-Modified on a 304, which werkzeug drops as an entity header."""

    def get_wsgi_headers(self, environ: Any) -> Any:
        headers = super().get_wsgi_headers(environ)
        if self.status_code == 304 and "Last-Modified" in self.headers:
            headers["Last-Modified"] = self.headers["Last-Modified"]
        return headers


_OPEN = frozenset({"navfeed.public_token", "navfeed.openapi"})


def blueprint() -> Blueprint:
    bp = Blueprint("navfeed", __name__)
    bp.register_error_handler(params.ParamError, lambda e: errors.bad_request(str(e)))
    pages: VersionedCache[tuple[FeedPage, bytes] | None] = VersionedCache()
    tokens: VersionedCache[dict[str, Any]] = VersionedCache()

    def backend() -> NavFeedBackend:
        result: NavFeedBackend = runtime().backends["navfeed"]
        return result

    @bp.before_request
    def authorise() -> Response | None:
        request.environ["jobfakes.fake"] = "navfeed"
        if request.method == "HEAD":  # Javalin's implicit HEAD route: no roles, no handler
            return Response(b"", content_type=errors.JSON)
        if request.endpoint in _OPEN or request.endpoint is None:
            return None
        state = runtime()
        token = bearer_token(request.headers.get("Authorization"))
        if token is None:
            return errors.unauthorized()
        world, secret = state.world, state.config.secret("navfeed")
        try:
            claims = tokens.get(
                world.version,
                token,
                lambda: FEED_AUTH.verify(
                    secret, token, world.now(), lambda t: world.store.is_revoked("navfeed", t)
                ),
            )
        except AuthError:
            return errors.unauthorized()
        exp = claims.get("exp")
        if exp is not None and exp * 1_000_000 <= world.now():
            return errors.unauthorized()
        cacheable(NEVER if exp is None else exp * 1_000_000)
        return None

    @bp.after_request
    def as_javalin_sends_it(response: Response) -> Response:
        """Jetty's status line; gzip when the client takes it (fastpath keys on the header)."""
        response = compress.maybe_gzip(response, request.headers.get("Accept-Encoding"))
        return errors.with_reason(response)

    def page_response(page_id: str) -> Response:
        query = params.page_query(request.args, request.headers)
        key = (page_id, query.page_size, query.if_modified_since)

        def render() -> tuple[FeedPage, bytes] | None:
            page = backend().feed_page(page_id, query)
            return None if page is None else (page, serialize.feed_page_bytes(page))

        found = pages.get(runtime().world.version, key, render)
        if found is None:
            return errors.not_found_empty()
        page, body = found
        verdict = NavFeedBackend.revalidate(page, query)
        if verdict == "304-bare":
            return Response(status=304)
        headers = {"ETag": page.etag, "Last-Modified": rfc1123_java(page.last_modified)}
        if verdict == "304":
            return _JavalinResponse(status=304, headers=headers)
        return Response(body, content_type=errors.JSON, headers=headers)

    @bp.get("/api/v1/feed", strict_slashes=False)
    def feed() -> Response:
        since = params.if_modified_since(request.headers)
        start = backend().start_page_id("last" in request.args, since)
        if start is None:
            return errors.not_found_empty()
        return page_response(start)

    @bp.get("/api/v1/feed/<page_id>", strict_slashes=False)
    def feed_page(page_id: str) -> Response:
        return page_response(params.uuid(page_id, "feedPageId"))

    @bp.get("/api/v1/feedentry/<ad_uuid>", strict_slashes=False)
    def feed_entry(ad_uuid: str) -> Response:
        ad = backend().feed_entry(params.uuid(ad_uuid, "adUuid"))
        if ad is None:
            return errors.not_found_empty()
        return Response(orjson.dumps(serialize.feed_entry(ad)), content_type=errors.JSON)

    @bp.get("/api/publicToken", strict_slashes=False)
    def public_token() -> Response:
        text = f"Current public token for Nav Job Vacancy Feed:\n{backend().public_token()}"
        return Response(text, content_type=errors.TEXT)

    @bp.get("/api/openapi.json", strict_slashes=False)
    def openapi() -> Response:
        return Response(orjson.dumps(contracts.load("navfeed.yaml")), mimetype="application/json")

    return bp
