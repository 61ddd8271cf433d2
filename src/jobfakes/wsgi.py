"""WSGI entry points for gunicorn and friends.

`gunicorn 'jobfakes.wsgi:app'` builds the app from `JOBFAKES_*` environment variables on first
access (not at import); `gunicorn 'jobfakes.wsgi:create_app()'` does the same as a factory.
"""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app() -> Flask:
    from jobfakes.core.app import create_app as factory
    from jobfakes.core.config import Config

    return factory(Config.from_env())


def __getattr__(name: str) -> Any:
    if name == "app":
        app = create_app()
        globals()["app"] = app
        return app
    raise AttributeError(name)
