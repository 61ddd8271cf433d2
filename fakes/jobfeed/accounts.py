"""Basic-auth accounts of the Jobfeed fake and their rate limits (counted by the core's
`Limiter` in world-clock windows)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import orjson

if TYPE_CHECKING:  # imported on first use, as in core/ratelimit.py
    from limits import RateLimitItem

    from jobfakes.world.world import World

DEFAULT_USER, DEFAULT_PASSWORD = "jobfeed", "jobfeed"
DEFAULT_LIMITS = "4/second;30/minute"
ACCOUNTS = "jobfeed-accounts"  # user -> [password, limits, api], in the world's store


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
    api: bool = True  # the account's "API feature" (the reference: it must be enabled)

    @property
    def limits(self) -> tuple[RateLimitItem, ...]:
        """The parsed rates (on first use: `limits` stays out of a server's start)."""
        return _parsed(self.limits_text)


@lru_cache(maxsize=256)
def _parsed(text: str) -> tuple[RateLimitItem, ...]:
    return parse_limits(text)


class Accounts:
    """The configured accounts (`USER:PASSWORD`, or one default account) plus those added
    through the control plane until the next reset. They live in the world's store, so that
    every worker of a server knows the same accounts."""

    def __init__(self, configured: tuple[str, ...], limits: str | None, world: World):
        self._limits_text = limits or DEFAULT_LIMITS
        if limits is not None:
            parse_limits(limits)  # a malformed value fails at start
        self._configured: dict[str, str] = {}
        for item in configured or (f"{DEFAULT_USER}:{DEFAULT_PASSWORD}",):
            user, sep, password = item.partition(":")
            if not sep or not user or not password:
                raise ValueError(f"a Jobfeed account is USER:PASSWORD, not {item!r}")
            self._configured[user] = _encode(Account(user, password, self._limits_text))
        self._world = world
        for user, value in self._configured.items():  # kept by a worker that restarts
            world.put_entry(ACCOUNTS, user, value, replace=False)

    def reset(self) -> None:
        self._world.reset_entries(ACCOUNTS, self._configured)

    def add(
        self, user: str, password: str, limits: str | object | None = ..., api: bool = True
    ) -> Account:
        """Add or replace an account; `limits` omitted = the server's default, None = none;
        `api=False`: an account without the API feature."""
        if limits is ...:
            text = self._limits_text
        elif limits is None:
            text = "none"
        else:
            assert isinstance(limits, str)
            parse_limits(limits)  # a malformed value is refused now
            text = limits
        account = Account(user, password, text, api)
        self._world.put_entry(ACCOUNTS, user, _encode(account))
        return account

    def remove(self, user: str) -> bool:
        """Take an account away (until the next reset); False when there is none."""
        entries = self._world.store.entries(ACCOUNTS)
        if entries.pop(user, None) is None:
            return False
        self._world.reset_entries(ACCOUNTS, entries)
        return True

    def check(self, user: str, password: str) -> Account | None:
        value = self._world.store.entry(ACCOUNTS, user)
        account = None if value is None else _decode(user, value)
        if account is None or account.password != password:
            return None
        return account

    def all(self) -> list[Account]:
        return [_decode(u, v) for u, v in self._world.store.entries(ACCOUNTS).items()]


def _encode(account: Account) -> str:
    return orjson.dumps([account.password, account.limits_text, account.api]).decode()


def _decode(user: str, value: str) -> Account:
    password, limits_text, *api = orjson.loads(value)  # stores written before `api`: enabled
    return Account(user, password, limits_text, bool(api[0]) if api else True)
