"""Replicas on their own files behind nginx, sharing one redis-server: real processes, the
arrangement of docker/compose.yaml's `replicas` profile (tests/scaling/test_compose_replicas.py
keeps the two the same)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis
import requests

from tests.scaling.servers import BIN, free_port

ROOT = Path(__file__).resolve().parents[2]
NGINX_SITE = ROOT / "docker" / "replicas-nginx.conf"  # the load balancer's upstream and server
# What every replica is started with, here and in compose.yaml (besides its --db and Redis).
REPLICA_ARGS = (
    "--clock", "frozen", "--seed", "1", "--ads", "300", "--jobs", "300",
    "--parsebot-key", "lim:free", "--jobfeed-limits", "none",
)  # fmt: skip
REDIS_ARGS = ("--save", "", "--appendonly", "no")
SITE_PORT = 8700  # where each replica and the load balancer listen in compose.yaml


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A fresh redis-server on a free loopback port: yields its URL."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed: apt-get install -y redis-server (.ci/run does)"
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", *REDIS_ARGS],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.02)
        client.close()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@dataclass
class Replica:
    """One `jobfakes serve` replica on a fixed port (so that it can restart behind nginx)."""

    port: int
    db: str
    redis_url: str | None  # None: a lone server, not a replica (benchmarks compare them)
    extra: tuple[str, ...] = ()  # more options (--workers N)
    process: subprocess.Popen[bytes] | None = field(default=None)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        site = ["--redis-url", self.redis_url] if self.redis_url else []
        site += ["--db", self.db, *self.extra]
        return [str(BIN / "jobfakes"), "serve", "--port", str(self.port), *REPLICA_ARGS, *site]

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: `kill` takes its workers too
        )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, "replica exited"
            try:
                if requests.get(self.base + "/__admin/health", timeout=5).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.05)
        raise AssertionError(f"{self.base} did not come up")

    def kill(self) -> None:
        """As a host that dies: the server and its workers at once, no goodbye."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


@contextlib.contextmanager
def replicas(folder: Path, redis_url: str, count: int = 3) -> Iterator[list[Replica]]:
    """`count` replicas, each with its own --db file, started together."""
    group = [
        Replica(free_port(), str(folder / f"replica-{n}.sqlite"), redis_url)
        for n in range(1, count + 1)
    ]
    try:
        for replica in group:
            replica.start()
        for replica in group:
            replica.wait_ready()
        yield group
    finally:
        for replica in group:
            replica.stop()


def site_config(servers: list[str], port: int) -> str:
    """docker/replicas-nginx.conf with these upstream servers and this listening port."""
    text = NGINX_SITE.read_text()
    upstream = "".join(f"    server {address} max_fails=0;\n" for address in servers)
    text, found = re.subn(r"(?m)^    server \S+ max_fails=0;\n(    server .*\n)*", upstream, text)
    assert found == 1, "docker/replicas-nginx.conf: expected one block of upstream servers"
    text, found = re.subn(rf"listen {SITE_PORT};", f"listen 127.0.0.1:{port};", text)
    assert found == 1, f"docker/replicas-nginx.conf: expected 'listen {SITE_PORT};'"
    return text


def upstream_servers(text: str) -> list[str]:
    return re.findall(r"(?m)^    server (\S+) max_fails=0;$", text)


@contextlib.contextmanager
def load_balancer(folder: Path, group: list[Replica]) -> Iterator[str]:
    """nginx (Debian's) in front of `group`, on a free port: yields its base URL."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(binary).exists(), "nginx is needed: apt-get install -y nginx (.ci/run does)"
    home = folder / "nginx"
    (home / "tmp").mkdir(parents=True)
    port = free_port()
    site = home / "site.conf"
    site.write_text(site_config([f"127.0.0.1:{r.port}" for r in group], port))
    user = "user root;\n" if os.geteuid() == 0 else ""  # its workers write proxy buffers here
    (home / "nginx.conf").write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {home}/nginx.pid;\n"
        f"error_log {home}/error.log;\nevents {{ worker_connections 1024; }}\n"
        f"http {{\n    access_log off;\n    client_body_temp_path {home}/tmp;\n"
        f"    proxy_temp_path {home}/tmp;\n    fastcgi_temp_path {home}/tmp;\n"
        f"    uwsgi_temp_path {home}/tmp;\n    scgi_temp_path {home}/tmp;\n"
        f"    include {site};\n}}\n"
    )
    process = subprocess.Popen(
        [binary, "-c", str(home / "nginx.conf"), "-p", str(home)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, (home / "error.log").read_text()
            try:
                requests.get(base + "/__admin/health", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)
