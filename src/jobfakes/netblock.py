"""Network blocking for tests, done simply (as pytest-socket does): while `blocked_network()`
is active, a socket that connects past loopback, or a name lookup of a host that is not
loopback (itself a query to the resolver), raises `NetworkBlocked` instead."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from collections.abc import Iterable, Iterator
from typing import Any
from unittest.mock import patch

from jobfakes.core.guard import is_loopback


@contextlib.contextmanager
def blocked_network(allow: Iterable[str] = ()) -> Iterator[None]:
    """Refuse every TCP/UDP connection to a host that is neither loopback nor in `allow`."""
    from jobfakes.mocking import NetworkBlocked

    allowed = {host.lower() for host in allow}
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def refuse(what: str) -> NetworkBlocked:
        return NetworkBlocked(
            f"network access is blocked in this test (--block-network): {what} was refused; "
            "use the fakes (jobfakes.mock, the *_fake fixtures) or a cassette"
        )

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return  # unix sockets and the like stay on the machine
        host = str(address[0]).lower()
        if not (is_loopback(host) or host in allowed):
            raise refuse(f"a connection to {host}:{address[1]}")

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not (
            is_loopback(str(name)) or str(name).lower() in allowed or _address(str(name))
        ):  # an address needs no resolver: `connect` decides about it
            raise refuse(f"looking up {name}")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(sock: socket.socket, address: Any) -> None:
        check(sock, address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)

    with (
        patch.object(socket.socket, "connect", connect),
        patch.object(socket.socket, "connect_ex", connect_ex),
        patch.object(socket, "getaddrinfo", getaddrinfo),
    ):
        yield


def _address(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True
