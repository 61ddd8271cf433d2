"""Content decoding before redaction: a compressed body has no text to search.

`decode(headers, body)` undoes the `Content-Encoding` (gzip, x-gzip, deflate, br, identity; a
list is undone right to left) and returns the headers without it, and with a Content-Length
that fits the decoded body (and no Transfer-Encoding: the body is whole). A body that does not
decode as its header says is not kept at all (`UNDECODABLE`): it may hold anything.
Decoding uses zlib (gzip, deflate) and the `brotli` package (br).
"""

from __future__ import annotations

import gzip
import zlib

import brotli

from jobfakes.recording.cassette import Headers

UNDECODABLE = b"REDACTED (a body whose Content-Encoding could not be decoded)"
LENGTH_HEADERS = ("content-length", "transfer-encoding")


def _inflate(data: bytes) -> bytes:
    try:
        return zlib.decompress(data)
    except zlib.error:
        return zlib.decompress(data, -zlib.MAX_WBITS)  # raw deflate, as some servers send it


DECODERS = {
    "gzip": gzip.decompress,
    "x-gzip": gzip.decompress,
    "deflate": _inflate,
    "br": brotli.decompress,
    "identity": lambda data: data,
}


def _coding(headers: Headers) -> list[str]:
    codings: list[str] = []
    for name, values in headers.items():
        if name.lower() == "content-encoding":
            for value in values:
                codings += [c.strip().lower() for c in value.split(",") if c.strip()]
    return codings


def _chunked(headers: Headers) -> bool:
    return any(
        name.lower() == "transfer-encoding" and "chunked" in ",".join(values).lower()
        for name, values in headers.items()
    )


def decode(headers: Headers, body: bytes | None) -> tuple[Headers, bytes | None]:
    """The headers and body with every content coding undone (see module doc)."""
    codings = _coding(headers)
    if not codings and not _chunked(headers):
        return headers, body
    data = body
    if data:
        try:
            for coding in reversed(codings):
                data = DECODERS[coding](data)
        except (KeyError, OSError, EOFError, zlib.error, brotli.error):
            data = UNDECODABLE
    kept = {
        k: vs
        for k, vs in headers.items()
        if k.lower() != "content-encoding" and k.lower() not in LENGTH_HEADERS
    }
    had_length = any(k.lower() in LENGTH_HEADERS for k in headers)
    if had_length and data is not None:
        kept["Content-Length"] = [str(len(data))]
    return kept, data


def with_length(headers: Headers, body: bytes) -> Headers:
    """The headers with an existing Content-Length set to the body's length."""
    return {
        k: [str(len(body))] if k.lower() == "content-length" else vs for k, vs in headers.items()
    }
