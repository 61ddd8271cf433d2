"""Javalin's dynamic compression, as the feed runs with it (the default `CompressionStrategy.GZIP`).

A body of `MIN_SIZE` bytes or more is gzipped when the request's Accept-Encoding lists `gzip`
(Javalin splits the header on commas, trims and lower-cases each part and looks for the exact
name, ignoring q-values). Nothing else changes: the ETag is the app's own and stays as it is,
and no Vary header is added. Change `MIN_SIZE` or `accepts_gzip` here to follow another setup.
"""

from __future__ import annotations

import gzip

from flask import Response

MIN_SIZE = 1500  # CompressionStrategy.defaultMinSizeForCompression
LEVEL = 6  # Javalin's Gzip() default level
_EXCLUDED = ("image/", "audio/", "video/", "application/zip", "application/gzip")


def accepts_gzip(accept_encoding: str | None) -> bool:
    return "gzip" in (part.strip().lower() for part in (accept_encoding or "").split(","))


def maybe_gzip(response: Response, accept_encoding: str | None) -> Response:
    """The response gzipped, when Javalin would have gzipped it."""
    if (
        response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or any(kind in (response.mimetype or "") for kind in _EXCLUDED)
        or not accepts_gzip(accept_encoding)
    ):
        return response
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    # mtime 0: the same page gives the same bytes (java.util.zip writes 0 there too)
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    return response
