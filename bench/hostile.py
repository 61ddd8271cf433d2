"""Hostile requests against a live `jobfakes serve`: count the 5xx and the tracebacks.

`python bench/hostile.py [COUNT] [SEED]` starts `jobfakes serve` (every fake, gunicorn) on
127.0.0.1, sends COUNT (default 10,000) requests over raw sockets — every route of the app,
11 methods, long, unicode, NUL and invalid UTF-8 values, repeated and huge parameters,
traversal paths, broken and deeply nested JSON, wrong content types, JWT variants, request
lines and headers past the servers' limits — and prints the statuses seen, the count of 5xx
(target 0) and of bodies holding a traceback (target 0). The loop is bounded; it stops itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from _common import BIN, free_port, wait_for

METHODS = [
    "GET",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "HEAD",
    "OPTIONS",
    "TRACE",
    "CONNECT",
    "PROPFIND",
    "BREW",
]
SECRET = b"jobfakes-publicfeed-secret-for-local-testing"
VALUES: list[bytes] = [
    b"a" * 3000,
    "\u00e6\u00f8\u00e5\U0001f600".encode(),
    b"%00",
    b"%FF%FE",
    b"\xff\xfe",
    b"..%2F..%2Fetc%2Fpasswd",
    b"../../etc/passwd",
    b"-1",
    b"0",
    b"9" * 400,
    b"NaN",
    b"1e999",
    b"*",
    b"now-1d",
    b"",
    b"%",
    b"%zz",
    b"\x00",
    b"true",
    b"[]",
    b"2025-13-45",
]
BODIES: list[bytes] = [
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 3000 + b"1" + b"}" * 3000,
    b"{",
    b"nul",
    b"\xff\xfe{",
    b'{"advance": "P99999999999D"}',
    b'{"advance": "P999999D"}',
    b'{"now": "9999-12-31"}',
    b'{"advance": 5}',
    b'{"now": null}',
    b'{"tier": {"a": 1}, "key": "k"}',
    b'{"tier": ["free"], "key": "k"}',
    b'{"subject": "a", "issuedAt": 1000000000000000000000000000000}',
    b'{"subject": "a", "issuedAt": NaN}',
    b'{"fake": [], "subject": {}}',
    b'{"expires": "x"}',
    b'{"title": ' + b"[" * 300 + b"]" * 300 + b"}",
    b'{"status": "X"}',
    b'{"user": ":", "password": ""}',
    b'{"limits": "999999999999999999/second", "user": "u", "password": "p"}',
    b'"x"',
    b"[]",
    b"1",
]
TYPES = [
    b"application/json",
    b"text/plain",
    b"application/x-www-form-urlencoded",
    b"multipart/form-data; boundary=x",
    b"application/json; charset=latin-1",
    b"\xff",
]


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _jwt(claims: str, secret: bytes = SECRET, alg: str = "HS256") -> bytes:
    head = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode()) + b"." + _b64(claims.encode())
    return head + b"." + _b64(hmac.new(secret, head, hashlib.sha256).digest())


def tokens() -> list[bytes]:
    """40 JWT variants: bad dates, bad types, other issuers, algorithms and shapes."""
    base = '"sub": "x@example.com", "iss": "nav.no", "aud": "feed-api-v1"'
    dates = [
        "NaN",
        "Infinity",
        "-Infinity",
        "1e308",
        "-1e308",
        "1e30",
        '"x"',
        "null",
        "[]",
        "{}",
        "true",
        "4000000000",
        "0",
        "1700000000.5",
    ]
    out = [
        _jwt(f'{{{base}, "{claim}": {value}}}')
        for claim in ("exp", "iat", "nbf")
        for value in dates[:12]
    ]
    out += [
        _jwt(f"{{{base}}}", b"wrong"),
        _jwt(f"{{{base}}}", alg="none"),
        _jwt("[1]"),
        _jwt("nul"),
        b"a.b.c",
        b"....",
        b"x" * 3000,
        _jwt('{"iss": 5, "aud": [[]]}'),
    ]
    return out[:40]


def _pick_route(rng: random.Random, routes: list[str]) -> bytes:
    route = rng.choice(routes).encode()
    return re.sub(rb"<[^>]+>", lambda _: quote(rng.choice(VALUES), safe="%/.").encode(), route)


def build(rng: random.Random, routes: list[str], jwts: list[bytes]) -> bytes:
    """One raw HTTP/1.1 request (Connection: close)."""
    method = rng.choice(METHODS).encode()
    path = _pick_route(rng, routes)
    if rng.random() < 0.1:
        path = rng.choice([b"/../../etc/passwd", b"/%2e%2e/%2e%2e/", b"//__admin//reset", b"/\xff"])
    params = []
    for _ in range(rng.choice([0, 1, 3, 200])):
        value = rng.choice(VALUES)
        if rng.random() < 0.5:
            value = quote(value, safe="").encode()
        params.append(
            rng.choice([b"q", b"size", b"page", b"x", b"published", b"\xff"]) + b"=" + value
        )
    if rng.random() < 0.03:
        params.append(b"q=" + b"a" * rng.choice([8000, 9000, 20000]))
    target = path + (b"?" + b"&".join(params) if params else b"")
    headers = [b"Host: 127.0.0.1", b"Connection: close"]
    if rng.random() < 0.7:
        scheme = rng.choice([b"Bearer ", b"bearer ", b"Bearer  ", b"Basic ", b"", b"BEARER "])
        headers.append(b"Authorization: " + scheme + rng.choice(jwts))
    if rng.random() < 0.3:
        headers.append(b"X-API-Key: " + rng.choice(VALUES)[:200])
    if rng.random() < 0.03:
        headers.append(b"X-Big: " + b"a" * rng.choice([8000, 9000, 30000]))
    body = b""
    if method in (b"POST", b"PUT", b"PATCH") or rng.random() < 0.1:
        body = rng.choice(BODIES) if rng.random() < 0.8 else rng.randbytes(rng.randint(0, 300))
        headers.append(b"Content-Type: " + rng.choice(TYPES))
    headers.append(b"Content-Length: " + str(len(body)).encode())
    return method + b" " + target + b" HTTP/1.1\r\n" + b"\r\n".join(headers) + b"\r\n\r\n" + body


def send(port: int, raw: bytes) -> tuple[int, bytes]:
    """The status and body of one request; status 0 when the server closed without one."""
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.sendall(raw)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    match = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return (int(match.group(1)) if match else 0), data.partition(b"\r\n\r\n")[2]


def main(count: int = 10_000, seed: int = 12) -> None:
    from jobfakes.core.app import create_app
    from jobfakes.core.config import Config

    routes = sorted({rule.rule for rule in create_app(Config(ads=50)).url_map.iter_rules()})
    rng, jwts = random.Random(seed), tokens()
    requests = [build(rng, routes, jwts) for _ in range(count)]
    statuses: Counter[int] = Counter()
    tracebacks, failures = 0, []
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "jobfakes"), "serve", "--port", str(port), "--ads", "1000", "--clock", "frozen"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/__admin/health")
        start = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            for raw, (status, body) in zip(
                requests, pool.map(lambda r: send(port, r), requests), strict=True
            ):
                statuses[status] += 1
                if b"Traceback" in body:
                    tracebacks += 1
                if status >= 500 or status == 0 or b"Traceback" in body:
                    failures.append((status, raw[:160], body[:200]))
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    fives = sum(n for s, n in statuses.items() if s >= 500)
    print(f"{count} requests over {len(routes)} routes in {elapsed:.1f} s")
    print("statuses:", dict(sorted(statuses.items())))
    print(f"5xx: {fives}   tracebacks in bodies: {tracebacks}   no answer: {statuses[0]}")
    for status, raw, body in failures[:10]:
        print(status, raw, body)


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
