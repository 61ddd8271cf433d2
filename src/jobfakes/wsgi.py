"""WSGI entry points for gunicorn and friends.

`gunicorn 'jobfakes.wsgi:app'` builds the app from `JOBFAKES_*` environment variables on first
access (not at import); `gunicorn 'jobfakes.wsgi:create_app()'` does the same as a factory.
Its defaults are `jobfakes serve`'s (a running clock among them).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask


def create_app() -> Flask:
    from jobfakes.core.app import create_app as factory
    from jobfakes.core.config import Config

    # A server's clock runs, as under `jobfakes serve`, unless JOBFAKES_CLOCK says otherwise.
    return factory(Config.from_env({"JOBFAKES_CLOCK": "running", **os.environ}))


def __getattr__(name: str) -> Any:
    if name == "app":
        app = create_app()
        globals()["app"] = app
        return app
    raise AttributeError(name)
