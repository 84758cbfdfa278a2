"""Refuse to serve on a port another server already holds.

Why this is needed: on Linux, Granian's workers each bind their own listening socket with
``SO_REUSEPORT`` (and it has no option to do otherwise). The kernel lets any socket of the
same user that also sets ``SO_REUSEPORT`` join the port, and then splits the connections
among all of them: a second ``ketamine-kg serve --port P`` started beside a first one would
start without a word and answer some requests from another store.

So before Granian starts, ``claim_port``:

1. binds a check socket *without* ``SO_REUSEPORT`` (with ``SO_REUSEADDR``, as every server
   does, so a closed connection's TIME_WAIT does not block it); the kernel refuses it when
   anything is bound there, Granian's reuse-port listeners included; then closes it;
2. binds a claim socket *with* ``SO_REUSEPORT`` and keeps it, unlistened, for as long as the
   server runs. Granian's workers (reuse-port, same user) bind beside it, while another
   server's check socket (step 1) is refused by it: the port is held from the check on,
   through the seconds the workers take to load the app, not only once they listen.

The one window left is between steps 1 and 2 (two system calls): two servers would have to
start within microseconds of each other.
"""

from __future__ import annotations

import socket

from graph.errors import KGError


class PortInUseError(KGError):
    """The address and port to serve on are held by another server (or not ours to bind)."""


def claim_port(host: str, port: int) -> socket.socket | None:
    """Check that ``host:port`` is free and hold it; the claim (close it at exit), or None.

    None where the platform has no ``SO_REUSEPORT`` (such a platform does not let two servers
    share a port anyway) or the claim cannot be bound: the check alone is then done.
    PortInUseError, one line, when another socket holds the port.
    """
    family, address = _address(host, port)
    with socket.socket(family, socket.SOCK_STREAM) as check:
        check.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        _bind(check, address, host, port)
    reuse_port = getattr(socket, "SO_REUSEPORT", None)
    if reuse_port is None:
        return None
    claim = socket.socket(family, socket.SOCK_STREAM)
    try:
        claim.setsockopt(socket.SOL_SOCKET, reuse_port, 1)
        claim.bind(address)
    except OSError:  # e.g. a closed connection of another server in TIME_WAIT: the port is
        claim.close()  # free (the check passed), only the start-up window is not held
        return None
    return claim


def _address(host: str, port: int) -> tuple[socket.AddressFamily, tuple]:
    """The address Granian will bind (``[::1]`` written as ``::1``)."""
    bare = host.strip("[]")
    try:
        found = socket.getaddrinfo(bare, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise PortInUseError(f"cannot serve on {host}:{port}: {exc.strerror}") from None
    family, _type, _proto, _name, address = found[0]
    return family, address


def _bind(sock: socket.socket, address: tuple, host: str, port: int) -> None:
    try:
        sock.bind(address)
    except OSError as exc:
        where = f"[{host.strip('[]')}]" if ":" in host else host
        raise PortInUseError(
            f"cannot serve on {where}:{port}: {exc.strerror or exc} (is another server running"
            " there? stop it or choose another --port)") from None
