"""A broker stand-in for tests: a TCP proxy to the machine's Redis that can black-hole.

``SwitchableProxy`` listens on a free port of 127.0.0.1. While ``hung`` it accepts connections
and never answers (a broker that is up at the TCP level but stuck); ``forward()`` closes those
connections and pipes new ones to the real Redis. ``CLOSED`` is an address where connections
are refused at once.
"""

import contextlib
import socket
import threading

CLOSED = "127.0.0.1:1"  # nothing listens on port 1: connections are refused at once
REDIS_ADDRESS = ("127.0.0.1", 6379)


class SwitchableProxy:
    def __init__(self, target: tuple[str, int] = REDIS_ADDRESS, *, hung: bool = True):
        self.target = target
        self.hung = hung
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(128)
        self.port = self._server.getsockname()[1]
        self._running = True
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def hang(self) -> None:
        """From now on, accept connections and never answer (open ones are closed)."""
        with self._lock:
            self.hung = True
            held, self._held = self._held, []
        for conn in held:
            _close(conn)

    def forward(self) -> None:
        """From now on, pass connections through to the real broker."""
        with self._lock:
            self.hung = False
            held, self._held = self._held, []
        for conn in held:
            _close(conn)

    def close(self) -> None:
        self._running = False
        _close(self._server)
        with self._lock:
            held, self._held = self._held, []
        for conn in held:
            _close(conn)

    def _accept(self) -> None:
        while self._running:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self.accepted += 1
                if self.hung:  # hold the connection open, read nothing, answer nothing
                    self._held.append(client)
                    continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._held.extend([client, upstream])
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        _close(source)
        _close(sink)


def _close(conn: socket.socket) -> None:
    with contextlib.suppress(OSError):
        conn.shutdown(socket.SHUT_RDWR)
    conn.close()
