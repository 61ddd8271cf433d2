"""A 1000-interaction cassette for the replay benchmarks: feed entries of a small world."""

from __future__ import annotations

from pathlib import Path

import requests

from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config
from jobfakes.recording.recorder import use_cassette

BASE = "https://pam-stilling-feed.nav.no"


def build(path: Path, count: int = 1000) -> list[str]:
    """Record `count` feed-entry exchanges (about 3 kB each) to `path`; their paths."""
    app = create_app(Config(ads=count))
    session = requests.Session()
    session.trust_env = False
    session.mount(BASE, WSGIAdapter(app))
    token = session.post(f"{BASE}/__admin/tokens", json={"fake": "navfeed"}).json()["token"]
    session.headers["Authorization"] = f"Bearer {token}"
    uuids = [row["uuid"] for row in session.get(f"{BASE}/__admin/ads").json()][:count]
    paths = [f"/api/v1/feedentry/{uuid}" for uuid in uuids]
    with use_cassette(session, path, mode="all"):
        for target in paths:
            assert session.get(BASE + target).status_code == 200
    return paths
