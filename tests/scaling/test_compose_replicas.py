"""docker/compose.yaml's `replicas` profile is the arrangement tests/scaling/test_replicas.py
runs: the same services, replica options, Redis options, load-balancer file and ports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.scaling.replicas import (
    NGINX_SITE,
    REDIS_ARGS,
    REPLICA_ARGS,
    ROOT,
    SITE_PORT,
    Replica,
    site_config,
    upstream_servers,
)

COMPOSE = ROOT / "docker" / "compose.yaml"
SITE_OPTIONS = ("--redis-url", "--db")  # where this replica's Redis and file are


def _services() -> dict[str, Any]:
    services: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())["services"]
    return services


def _split(command: list[str]) -> tuple[list[str], dict[str, str]]:
    """(the options every replica shares, {site option: value})."""
    shared, site, items = [], {}, iter(command)
    for item in items:
        if item in SITE_OPTIONS:
            site[item] = next(items)
        else:
            shared.append(item)
    return shared, site


def _profile(services: dict[str, Any]) -> dict[str, Any]:
    return {n: s for n, s in services.items() if "replicas" in s.get("profiles", [])}


def test_the_default_service_is_left_as_it_was():
    services = _services()
    assert "profiles" not in services["jobfakes"]
    assert services["jobfakes"]["command"] == ["--clock", "running", "--seed", "1", "--ads", "5000"]
    assert services["jobfakes"]["ports"] == ["127.0.0.1:8700:8700"]


def test_the_profile_has_redis_replicas_and_a_load_balancer():
    profile = _profile(_services())
    assert sorted(profile) == ["lb", "redis", "replica-1", "replica-2"]
    assert profile["redis"]["command"] == ["redis-server", *REDIS_ARGS]
    for name in ("replica-1", "replica-2"):
        assert "ports" not in profile[name]  # reached through the load balancer only
        assert profile[name]["build"] == _services()["jobfakes"]["build"]


def test_replicas_run_with_the_options_the_test_uses():
    profile = _profile(_services())
    local = Replica(port=1, db="/tmp/x.sqlite", redis_url="redis://127.0.0.1:1/0").command()
    test_shared, test_site = _split(local[local.index("serve") + 3 :])  # after serve --port N
    assert test_shared == list(REPLICA_ARGS)
    for name in ("replica-1", "replica-2"):
        shared, site = _split(profile[name]["command"])
        assert shared == test_shared, name
        assert sorted(site) == sorted(test_site) == sorted(SITE_OPTIONS)
        assert site["--redis-url"] == "redis://redis:6379/0"  # the profile's redis service
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    assert re.search(rf'ENTRYPOINT \[.*"--port", "{SITE_PORT}"\]', dockerfile)


def test_the_load_balancer_is_the_file_the_test_runs():
    profile = _profile(_services())
    lb = profile["lb"]
    assert lb["volumes"] == [f"./{NGINX_SITE.name}:/etc/nginx/conf.d/default.conf:ro"]
    assert Path(COMPOSE.parent, NGINX_SITE.name) == NGINX_SITE
    assert lb["ports"] == [f"127.0.0.1:8710:{SITE_PORT}"]
    text = NGINX_SITE.read_text()
    replicas = sorted(n for n in profile if n.startswith("replica-"))
    assert upstream_servers(text) == [f"{n}:{SITE_PORT}" for n in replicas]
    # The test's rendering changes the upstream servers and the listening address, nothing else.
    rendered = site_config(["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"], 9)
    assert upstream_servers(rendered) == ["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"]
    assert "listen 127.0.0.1:9;" in rendered
    strip = re.compile(r"(?m)^    server \S+ max_fails=0;\n|listen \S+;")
    assert strip.sub("", rendered) == strip.sub("", text)
