"""A forwarding proxy that cuts some response bodies mid-stream, as a flaky network does.

It sends the upstream's status and headers (Content-Length included), then half the body,
then closes the connection: the client sees an incomplete read. Which answers are cut is
drawn from a seeded generator, so a failing run replays.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


@contextmanager
def cutting_proxy(upstream: str, share: float = 0.07, seed: int = 7) -> Iterator[dict[str, int]]:
    """A proxy to `upstream` on 127.0.0.1 that cuts `share` of bodies; yields its counts
    (with its base URL under "port")."""
    draw = random.Random(seed)
    lock = threading.Lock()
    counts = {"answered": 0, "cut": 0, "port": 0}
    forward = requests.Session()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            answer = forward.get(upstream + self.path, headers=headers, timeout=60)
            body = answer.content
            with lock:
                counts["answered"] += 1
                cut = bool(body) and draw.random() < share
                counts["cut"] += cut
            self.send_response(answer.status_code)
            for name, value in answer.headers.items():
                if name.lower() not in ("content-length", "transfer-encoding", "connection",
                                        "content-encoding"):  # fmt: skip
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            if cut:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if cut else body)
            self.wfile.flush()
            if cut:
                self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    counts["port"] = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield counts
    finally:
        server.shutdown()
        server.server_close()
