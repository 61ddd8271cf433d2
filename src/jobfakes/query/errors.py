"""The one error of the query language."""

from __future__ import annotations


class QueryError(ValueError):
    """A filter the language cannot accept; the fake answers 400 naming `param`."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message
