"""Basic-auth accounts of the Jobfeed fake and their rate limits (counted by the core's
`Limiter` in world-clock windows)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on first use, as in core/ratelimit.py
    from limits import RateLimitItem

DEFAULT_USER, DEFAULT_PASSWORD = "jobfeed", "jobfeed"
DEFAULT_LIMITS = "4/second;30/minute"


def parse_limits(text: str | None) -> tuple[RateLimitItem, ...]:
    """`4/second;30/minute` (`;` or `,` between rates), `none` = no limit; ValueError when
    malformed."""
    if text is None:
        text = DEFAULT_LIMITS
    if text.strip().lower() in ("none", ""):
        return ()
    try:
        from limits import parse_many

        return tuple(parse_many(text.replace(",", ";")))
    except ValueError:
        raise ValueError(f"not rates such as '4/second;30/minute': {text!r}") from None


@dataclass(frozen=True)
class Account:
    user: str
    password: str
    limits_text: str

    @cached_property
    def limits(self) -> tuple[RateLimitItem, ...]:
        """The parsed rates (on first use: `limits` stays out of a server's start)."""
        return parse_limits(self.limits_text)


class Accounts:
    """The configured accounts (`USER:PASSWORD`, or one default account) plus those added
    through the control plane until the next reset."""

    def __init__(self, configured: tuple[str, ...], limits: str | None):
        self._limits_text = limits or DEFAULT_LIMITS
        if limits is not None:
            parse_limits(limits)  # a malformed value fails at start
        self._configured: dict[str, Account] = {}
        for item in configured or (f"{DEFAULT_USER}:{DEFAULT_PASSWORD}",):
            user, sep, password = item.partition(":")
            if not sep or not user or not password:
                raise ValueError(f"a Jobfeed account is USER:PASSWORD, not {item!r}")
            self._configured[user] = Account(user, password, self._limits_text)
        self._lock = threading.Lock()
        self._accounts = dict(self._configured)

    def reset(self) -> None:
        with self._lock:
            self._accounts = dict(self._configured)

    def add(self, user: str, password: str, limits: str | object | None = ...) -> Account:
        """Add or replace an account; `limits` omitted = the server's default, None = none."""
        if limits is ...:
            text = self._limits_text
        elif limits is None:
            text = "none"
        else:
            assert isinstance(limits, str)
            parse_limits(limits)  # a malformed value is refused now
            text = limits
        account = Account(user, password, text)
        with self._lock:
            self._accounts[user] = account
        return account

    def check(self, user: str, password: str) -> Account | None:
        account = self._accounts.get(user)
        if account is None or account.password != password:
            return None
        return account

    def all(self) -> list[Account]:
        return list(self._accounts.values())
