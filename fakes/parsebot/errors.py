"""parse.bot's error answers: FastAPI's `{"detail": ...}` for request-level refusals (400, 401,
404, 429) and the documented envelope for execution failures (422, 402)."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response


def detail(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps({"detail": message}), status=status, mimetype="application/json",
        headers=headers,
    )  # fmt: skip


def envelope(status_code: int, status: str, message: str, **extra: Any) -> Response:
    """`{"error": {"status", "message", ...}, "status_code"}` as parse.bot's errors page has it."""
    body = {"error": {"status": status, "message": message, **extra}, "status_code": status_code}
    return Response(orjson.dumps(body), status=status_code, mimetype="application/json")


def fastapi_error(status: int, title: str) -> Response:
    """The body of any other refusal under the fake's paths (unknown route, say)."""
    return detail(status, "Not Found" if status == 404 else title)


def unauthorized() -> Response:
    return detail(401, "Invalid or missing API key. Send it in the X-API-Key header.")


def rate_limited(per_minute: int, retry_after: int) -> Response:
    return detail(
        429,
        f"Rate limit exceeded: {per_minute} requests per minute. Retry after {retry_after} s.",
        {"Retry-After": str(retry_after)},
    )


def no_credits(status: int, tier: str, credits: int, used: int, retry_after: int) -> Response:
    """Out of monthly credits, with `Retry-After` until they renew: our 402 envelope, or
    (`--parsebot-credit-status 429`) a 429 `detail` like the minute limit's."""
    message = f"Monthly credits exhausted: {used} of {credits} used on the {tier} tier."
    headers = {"Retry-After": str(retry_after)}
    if status == 429:
        return detail(429, f"{message} Retry after {retry_after} s.", headers)
    response = envelope(
        402,
        "insufficient_credits",
        message,
        tier=tier,
        credits_limit=credits,
        credits_used=used,
        retry_after=retry_after,
    )
    response.headers.update(headers)
    return response


def bad_input(message: str, param: str | None = None, **extra: Any) -> Response:
    fields = {"param": param} if param else {}
    return envelope(422, "stale_input", message, **fields, **extra)


def not_found(message: str) -> Response:
    return detail(404, message)


def job_not_found(uuid: str) -> Response:
    return envelope(404, "not_found", f"No job ad with uuid {uuid} on arbeidsplassen.no", uuid=uuid)
