"""The SSRF guard and the connection it allows, as one piece: an httpcore network backend.

- **Allow-list**: an address may be connected to only when it is globally reachable
  (`ip.is_global`, not multicast, not in the special-purpose blocks Python 3.11 still calls
  global: 192.0.0.0/24, 198.18.0.0/15, 240.0.0.0/4, IPv4-compatible ::/96, local NAT64
  64:ff9b:1::/48 ...), and, for the IPv6 forms that carry an IPv4 address (IPv4-mapped, 6to4
  2002::/16, Teredo, NAT64 64:ff9b::/96), when the carried address is allowed too; plus what
  the topic allows (`http.allow_loopback`: 127.0.0.0/8 and ::1, for the demo and tests).
  CGNAT 100.64.0.0/10 (with the cloud metadata address 100.100.100.200), 169.254.169.254,
  private ranges and 2002:a00:1:: (= 10.0.0.1) are refused.
- **No second resolution**: the host is resolved once, every address it resolves to must be
  allowed (a name that answers public and private at once is refused), and the socket is
  connected to exactly those checked addresses. httpcore then starts TLS on that socket with
  the URL's host name, so SNI and certificate verification stay on the name. A DNS answer that
  changes between check and connect (rebinding) has nothing left to change. Every redirect hop
  is a new connection through this backend, so each is checked the same way.
- **One deadline**: every connect, TLS handshake, write and read gets at most the time left
  until the fetch's total deadline, so headers dripped at 1 byte/s are cut off like a dripped
  body.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Special-purpose blocks (IANA registries) that are not globally reachable but that this
# Python's `is_global` does not refuse.
_NOT_GLOBAL = [ipaddress.ip_network(n) for n in (
    "192.0.0.0/24",      # IETF protocol assignments (192.0.0.192 among them)
    "192.88.99.0/24",    # deprecated 6to4 relay anycast
    "198.18.0.0/15",     # benchmarking
    "240.0.0.0/4",       # reserved
    "::/96",             # IPv4-compatible IPv6 (deprecated): ::a00:1 is 10.0.0.1
    "64:ff9b:1::/48",    # local-use NAT64
    "fec0::/10",         # site-local (deprecated)
)]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class GuardRefusal(Exception):
    """The guard refused a connection; `error_class` is 'blocked' or 'dns'."""

    def __init__(self, error_class: str, message: str) -> None:
        super().__init__(message)
        self.error_class = error_class


def _carried_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    if address.version != 6:
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]  # the client's address
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: Address | str, allow_loopback: bool = False) -> str | None:
    """Why `address` may not be connected to, or None when it may."""
    address = ipaddress.ip_address(address)
    if address.is_loopback or (address.version == 6 and address.ipv4_mapped and address.ipv4_mapped.is_loopback):
        return None if allow_loopback else f"{address} is a loopback address"
    if address.is_multicast:
        return f"{address} is a multicast address"
    if not address.is_global or any(address in net for net in _NOT_GLOBAL if net.version == address.version):
        return f"{address} is not a globally reachable address"
    carried = _carried_ipv4(address)
    if carried is not None:
        inner = refusal(carried, allow_loopback=False)
        if inner:
            return f"{address} carries {carried}: {inner}"
    return None


def resolve_checked(host: str, port: int, allow_loopback: bool) -> list[tuple[Any, ...]]:
    """getaddrinfo once; every address must be allowed. Returns the address infos to connect to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise GuardRefusal("dns", f"cannot resolve {host}: {exc}") from exc
    if not infos:
        raise GuardRefusal("dns", f"cannot resolve {host}: no addresses")
    for info in infos:
        why = refusal(info[4][0].split("%", 1)[0], allow_loopback)
        if why:
            raise GuardRefusal("blocked", f"refusing {host}: resolves to {why}")
    return infos


class Deadline:
    """The fetch's total deadline: each operation gets at most the time left."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.seconds = seconds

    def clip(self, timeout: float | None, kind: type[Exception]) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise kind(self.message)
        return left if timeout is None else min(timeout, left)

    @property
    def message(self) -> str:
        return f"gave up at the total deadline ({self.seconds:g} s)"

    def timed_out(self, kind: type[Exception], what: str) -> Exception:
        """The exception for a socket timeout: the deadline's when that is what ran out."""
        return kind(self.message if time.monotonic() >= self.at - 0.05 else f"{what} timed out")


class PinnedStream(httpcore.NetworkStream):
    """A socket connected to a checked address; every operation bounded by the deadline."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            self._sock.settimeout(self._deadline.clip(timeout, httpcore.ReadTimeout))
            return self._sock.recv(max_bytes)
        except socket.timeout as exc:
            raise self._deadline.timed_out(httpcore.ReadTimeout, "read") from exc
        except OSError as exc:
            raise httpcore.ReadError(str(exc)) from exc

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        try:
            while buffer:
                self._sock.settimeout(self._deadline.clip(timeout, httpcore.WriteTimeout))
                sent = self._sock.send(buffer)
                buffer = buffer[sent:]
        except socket.timeout as exc:
            raise self._deadline.timed_out(httpcore.WriteTimeout, "write") from exc
        except OSError as exc:
            raise httpcore.WriteError(str(exc)) from exc

    def close(self) -> None:
        self._sock.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        try:  # server_hostname is the URL's host: SNI and verification are on the name
            self._sock.settimeout(self._deadline.clip(timeout, httpcore.ConnectTimeout))
            return PinnedStream(ssl_context.wrap_socket(self._sock, server_hostname=server_hostname), self._deadline)
        except socket.timeout as exc:
            self.close()
            raise self._deadline.timed_out(httpcore.ConnectTimeout, "TLS handshake") from exc
        except OSError as exc:  # ssl.SSLError included
            self.close()
            raise httpcore.ConnectError(str(exc)) from exc

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object" and isinstance(self._sock, ssl.SSLSocket):
            return self._sock._sslobj  # what httpcore reads for the negotiated protocol
        if info == "server_addr":
            return self._sock.getpeername()
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "socket":
            return self._sock
        if info == "is_readable":
            return _readable(self._sock)
        return None


def _readable(sock: socket.socket) -> bool:
    import select

    if sock.fileno() < 0:
        return True
    try:
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True


class PinnedBackend(httpcore.NetworkBackend):
    """connect_tcp resolves once, checks, and connects to the checked address."""

    def __init__(self, allow_loopback: bool, deadline: Deadline) -> None:
        self.allow_loopback = allow_loopback
        self.deadline = deadline
        self.connections: list[tuple[str, str, int]] = []  # (host, address connected to, port)

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        last: Exception | None = None
        for family, kind, proto, _, sockaddr in resolve_checked(host, port, self.allow_loopback):
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(self.deadline.clip(timeout, httpcore.ConnectTimeout))
                sock.connect(sockaddr)  # the checked address itself: no name, no second lookup
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                for option in socket_options or ():
                    sock.setsockopt(*option)
            except socket.timeout as exc:
                sock.close()
                last = self.deadline.timed_out(httpcore.ConnectTimeout, f"connecting to {host} ({sockaddr[0]})")
                last.__cause__ = exc
                continue
            except OSError as exc:
                sock.close()
                last = httpcore.ConnectError(f"cannot connect to {host} ({sockaddr[0]}): {exc}")
                continue
            except BaseException:
                sock.close()
                raise
            self.connections.append((host, sockaddr[0], port))
            return PinnedStream(sock, self.deadline)
        raise last or httpcore.ConnectError(f"cannot connect to {host}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise GuardRefusal("blocked", "unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
