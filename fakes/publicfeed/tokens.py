"""The public tokens pam-public-feed printed in its README, and when the service took them.

Both were signed with the service's secret (`AUTH_SECRET`), which nobody outside NAV knows, so
the fake accepts them by their exact text and then checks them as the service did: java-jwt's
dates on the world clock (`exp` after now, `iat` not after now), the deny-list, revocation.

History (README): v1 was published on 2019-05-10 (no `exp`); on 2024-11-20 the README swapped it
for v2 (`iat` 2024-11-20T14:29:29Z, `exp` 2025-04-30T22:00:00Z, the eve of the switch-off on
1 May 2025). Whether v1 was deny-listed then is not public (`DENYLIST_JSON` is a secret), so
v1 stays accepted: to retire it, give it a `retired` instant (microseconds) below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt

from jobfakes.core.auth import AuthError, check_dates


@dataclass(frozen=True)
class DocumentedToken:
    name: str
    text: str
    retired: int | None = None  # world time from which the fake refuses it (None: never)


V1 = DocumentedToken(
    "v1",
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwdWJsaWMudG9rZW4udjFAbmF2Lm5vIiwiYXVkIjoi"
    "ZmVlZC1hcGktdjEiLCJpc3MiOiJuYXYubm8iLCJpYXQiOjE1NTc0NzM0MjJ9.jNGlLUF9HxoHo5JrQNMkweLj_91bgk"
    "97ZebLdfx3_UQ",
)
V2 = DocumentedToken(
    "v2",
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwdWJsaWMudG9rZW4udjJAbmF2Lm5vIiwiYXVkIjoi"
    "ZmVlZC1hcGktdjEiLCJpc3MiOiJuYXYubm8iLCJleHAiOjE3NDYwNTA0MDAsImlhdCI6MTczMjExMjk2OX0.WHEC0o"
    "ZgzZQjut1n2ZQK2xtW2gPhUCaBzTup2aqF2Wk",
)
DOCUMENTED = {token.text: token for token in (V1, V2)}


def documented_claims(token: str, now: int) -> dict[str, Any] | None:
    """The claims of a documented public token the service took at `now`; None if `token` is
    not one of them; AuthError if it is but was not valid then."""
    found = DOCUMENTED.get(token)
    if found is None:
        return None
    if found.retired is not None and now >= found.retired:
        raise AuthError(f"public token {found.name} retired")
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    check_dates(claims, now)
    return claims
