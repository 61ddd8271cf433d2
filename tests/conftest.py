"""Shared test helpers; the fakes come from jobfakes' own pytest plugin."""

from __future__ import annotations

from typing import Any

import requests

from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config

BASE = "http://fake.test"


def inprocess(config: Config) -> tuple[Any, requests.Session]:
    """A fresh app and a session that reaches it at BASE without a socket, with a token."""
    app = create_app(config)
    session = requests.Session()
    session.mount(BASE, WSGIAdapter(app))
    token = session.post(f"{BASE}/__admin/tokens", json={"fake": "navfeed"}).json()["token"]
    session.headers["Authorization"] = f"Bearer {token}"
    return app, session


def walk(
    session: requests.Session,
    base: str,
    page_size: int = 1000,
    headers: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Every page from the start of the feed, following next_url (overlap included)."""
    pages = []
    response = session.get(f"{base}/api/v1/feed", params={"pageSize": page_size}, headers=headers)
    while True:
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        if page["next_url"] is None:
            return pages
        response = session.get(
            base + page["next_url"], params={"pageSize": page_size}, headers=headers
        )


def first_page_status(fake: Any, authorization: str) -> int:
    """The status of a one-line feed page asked for with this Authorization header."""
    response = fake.session.get(
        fake.url("/api/v1/feed"), params={"pageSize": 1}, headers={"Authorization": authorization}
    )
    return int(response.status_code)
