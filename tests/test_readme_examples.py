"""The README's examples return data on the default worlds (a query that finds nothing would
teach nothing): each example runs as written against the fake in process."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import requests

from jobfakes.core.adapter import WSGIAdapter
from jobfakes.core.app import create_app
from jobfakes.core.config import Config

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
BASE = "http://127.0.0.1:8700"


def _session(config: Config) -> requests.Session:
    session = requests.Session()
    session.mount(BASE, WSGIAdapter(create_app(config)))
    return session


def _section(title: str) -> str:
    return README.split(title)[1].split("\n## ")[0]


def test_the_parsebot_curl_examples_find_ads():
    session = _session(Config(parsebot_keys=("readme:developer",)))
    lines = [line for line in _section("## parse.bot").splitlines() if "curl -H" in line]
    search = re.search(r"'(http://127\.0\.0\.1:8700/scraper/[^']+/search_jobs\?[^']+)'", lines[0])
    assert search, lines
    hits = session.get(search[1], headers={"X-API-Key": "readme"}).json()["data"]["hits"]
    assert hits["total"]["value"] > 0 and hits["hits"]
    facets = session.post(
        f"{BASE}/scraper/ab1a4dc6-c874-4fb4-b6b6-4be87c791e61/get_facets",
        json={"extent": "Heltid", "published": "now-7d"},
        headers={"X-API-Key": "readme"},
    ).json()["data"]
    assert facets["total"]["value"] > 0


def test_the_parsebot_client_example_finds_ads():
    session = _session(Config(parsebot_keys=("readme:developer",)))
    code = _section("## parse.bot").split("```python")[1].split("```")[0]
    code = code.replace(
        'ParseBotClient("http://127.0.0.1:8700", key, tier="free")',
        'ParseBotClient("http://127.0.0.1:8700", key, tier="developer", session=SESSION)',
    )
    code = code.replace("for hit in", "found = []\nfor hit in").replace(
        '    detail = client.get_job_detail(hit["_id"])',
        '    found.append(client.get_job_detail(hit["_id"]))',
    )
    namespace: dict[str, Any] = {"key": "readme", "SESSION": session}
    exec(code, namespace)
    assert namespace["found"] and namespace["facets"]


def test_the_jobfeed_examples_find_jobs():
    session = _session(Config())
    curl = re.search(r"curl -u jobfeed:jobfeed '([^']+)'", _section("## Jobfeed"))
    assert curl
    body = session.get(curl[1], auth=("jobfeed", "jobfeed")).json()
    assert body["results"]
    code = _section("## Jobfeed").split("```python")[1].split("```")[0]
    code = code.replace(
        'JobfeedClient("http://127.0.0.1:8700", "jobfeed", "jobfeed")',
        'JobfeedClient("http://127.0.0.1:8700", "jobfeed", "jobfeed", session=SESSION,'
        " per_second=None, per_minute=None)",
    )
    namespace: dict[str, Any] = {"SESSION": session}
    exec(code, namespace)
    assert namespace["page"]["results"], "the README's Jobfeed query finds no job"
    assert namespace["rows"]
