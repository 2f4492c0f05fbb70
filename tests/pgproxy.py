"""A TCP proxy in front of the test Postgres server, to make the database unavailable to one
process (a network cut, a Postgres restart) without stopping the server other tests share."""

from __future__ import annotations

import socket
import threading

from psycopg.conninfo import conninfo_to_dict


class PgProxy:
    def __init__(self, upstream_url: str) -> None:
        info = conninfo_to_dict(upstream_url)
        host, port = info.get("host") or "127.0.0.1", int(info.get("port") or 5432)
        self._upstream = (socket.AF_UNIX, f"{host}/.s.PGSQL.{port}") if host.startswith("/") else \
            (socket.AF_INET, (host, port))
        self._user = info.get("user") or "postgres"
        self._password = info.get("password") or ""
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.port = 0
        self.restore()

    def url(self, dbname: str) -> str:
        auth = f"{self._user}:{self._password}@" if self._password else f"{self._user}@"
        return f"postgresql://{auth}127.0.0.1:{self.port}/{dbname}"

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and drop every open one, as a lost database would."""
        if self._listener is not None:
            try:  # wakes the thread blocked in accept(); close() alone would leave it accepting
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            family, address = self._upstream
            server = socket.socket(family, socket.SOCK_STREAM)
            try:
                server.connect(address)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
