"""Bearer JWT schemes (HS256): minting and verifying against the world's clock."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jwt

from jobfakes.world.times import US


class AuthError(Exception):
    """The request is not authorised; the message says why (for the journal, not the client)."""


@dataclass(frozen=True)
class JwtScheme:
    """One upstream's token rules: HS256 with a shared secret, an issuer and an audience."""

    issuer: str
    audience: str
    kid_claim: bool = False  # NAV's feed puts `kid` (the consumer's id) in the payload

    def mint(
        self,
        secret: str,
        subject: str,
        issued: int,
        expires: int | None = None,
        kid: str | None = None,
    ) -> str:
        claims: dict[str, Any] = {"sub": subject}
        if self.kid_claim:
            claims["kid"] = kid or consumer_id(subject)
        claims.update(iss=self.issuer, aud=self.audience, iat=issued // US)
        if expires is not None:
            claims["exp"] = expires // US
        return jwt.encode(claims, secret, algorithm="HS256", headers={"typ": "JWT"})

    def verify(
        self, secret: str, token: str, now: int, revoked: Callable[[str], bool]
    ) -> dict[str, Any]:
        """The claims of a valid token; raises AuthError. Dates are checked as java-jwt (the
        real services' library) checks them, on world time in whole seconds: `exp` must be
        after now, `iat` and `nbf` not after it; a date that is not a number a Java long holds
        (NaN, Infinity, 1e308, a string) makes the token undecodable."""
        claims = dict(_decoded(self, secret, token))  # a copy: check_dates rewrites dates
        check_dates(claims, now)
        if revoked(token):
            raise AuthError("token revoked")
        return claims


@lru_cache(maxsize=4096)
def _decoded(scheme: JwtScheme, secret: str, token: str) -> dict[str, Any]:
    """The signed claims of a token (a pure function of its inputs, so a client's repeated
    token is decoded once: decoding took a fifth of an uncached feed page)."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=scheme.audience,
            issuer=scheme.issuer,
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
    except jwt.PyJWTError as error:
        raise AuthError(str(error)) from error
    return claims


def check_dates(claims: dict[str, Any], now: int) -> None:
    """java-jwt's date checks on world time (microseconds) in whole seconds: `exp` after now,
    `iat` and `nbf` not after it; the dates are made whole seconds in `claims`."""
    seconds = now // US
    for name in ("exp", "iat", "nbf"):
        if claims.get(name) is not None:
            claims[name] = _seconds(claims[name], name)
    if claims.get("exp") is not None and claims["exp"] <= seconds:
        raise AuthError("token expired")
    for name in ("iat", "nbf"):
        if claims.get(name) is not None and claims[name] > seconds:
            raise AuthError(f"the token can't be used before its {name}")


def _seconds(value: Any, name: str) -> int:
    """A NumericDate as java-jwt reads it: a JSON number that converts to a long."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not -(2**63) <= value < 2**63
    ):
        raise AuthError(f"The claim '{name}' contained a non-numeric date value.")
    return int(value)


_CONSUMERS = uuid.UUID("4f0d3c52-7f1e-5a55-9d1c-6a0b8e3f2c10")  # namespace of consumer ids


def consumer_id(subject: str) -> str:
    """The id of the consumer a subject (e-mail) stands for: a uuid, the same every time, as
    the feed's consumer table gives each consumer one."""
    return str(uuid.uuid5(_CONSUMERS, subject))


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer ...` header (scheme case-insensitive)."""
    if not header or header[:7].lower() != "bearer ":
        return None
    return header[7:].strip() or None
