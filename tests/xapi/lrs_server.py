"""A small LRS for tests: a real HTTP server on 127.0.0.1 that records what it stores."""

import base64
import json
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY, SECRET = "savad-key", "savad-secret"
PATH = "/lrs"


def free_port() -> int:
    """A port nothing listens on (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakeLRS:
    """Stores posted statements unless told to fail; ``stored`` keeps every id in arrival order.

    ``script``: statuses to answer the next requests with (then 200); ``refuse``: statement
    ids answered with 400 whenever a request contains one of them.
    """

    def __init__(self, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}{PATH}"
        self.stored: list[str] = []
        self.statements: dict[str, dict] = {}
        self.requests: list[tuple[int, list[str]]] = []
        self.script: deque[int] = deque()
        self.refuse: set[str] = set()
        self.delay = 0.0  # seconds to think before answering, to make deliveries overlap
        self.lock = threading.Lock()
        self.server = None
        self.thread = None

    def start(self) -> "FakeLRS":
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=10)
            self.server = None

    def _answer(self, handler) -> tuple[int, bytes]:
        expected = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
        if handler.headers.get("Authorization") != expected:
            return 401, b"bad credentials"
        if handler.headers.get("X-Experience-API-Version") != "1.0.3":
            return 400, b"missing X-Experience-API-Version"
        if handler.path != f"{PATH}/statements":
            return 404, b"no such resource"
        length = int(handler.headers.get("Content-Length", 0))
        time.sleep(self.delay)
        statements = json.loads(handler.rfile.read(length).decode("utf-8"))
        ids = [statement["id"] for statement in statements]
        with self.lock:
            status = self.script.popleft() if self.script else 200
            if status == 200 and self.refuse & set(ids):
                status = 400
            self.requests.append((status, ids))
            if status != 200:
                return status, b'{"error": "not stored"}'
            self.stored.extend(ids)
            self.statements.update({statement["id"]: statement for statement in statements})
        return 200, json.dumps(ids).encode()

    def _handler(self):
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                status, body = lrs._answer(self)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler
