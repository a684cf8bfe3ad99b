"""A real HTTP server on 127.0.0.1 that answers like Nominatim's /search (jsonv2), with faults.

    with NominatimStub(points={"jl. a, ...": (-3.33, 114.63)}) as stub:
        stub.script = ["ok", "500"]  # one mode per request, in order; then stub.mode
        ... stub.url, stub.requests (arrival time, query, user agent), stub.gaps()

Modes: ok, empty ([]), slow (wait `delay` seconds, then ok), 429 (Retry-After: `retry_after`),
500, badjson (not JSON).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DEFAULT_POINT = (-3.331638, 114.638462)  # inside Kelurahan Sungai Lulut


@dataclass
class Request:
    time: float  # time.monotonic() on arrival
    path: str
    query: str
    user_agent: str
    mode: str


class NominatimStub:
    def __init__(self, points: dict[str, tuple[float, float]] | None = None, mode: str = "ok",
                 delay: float = 2.0, retry_after: str = "120"):
        self.points = dict(points or {})
        self.mode = mode
        self.script: list[str] = []
        self.delay = delay
        self.retry_after = retry_after
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- server -----------------------------------------------------------------------------

    def __enter__(self) -> NominatimStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                stub._handle(self)

            def log_message(self, *args):  # keep pytest output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def gaps(self) -> list[float]:
        times = [r.time for r in self.requests]
        return [b - a for a, b in zip(times, times[1:], strict=False)]

    # --- answers ----------------------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        arrived = time.monotonic()
        url = urlsplit(h.path)
        query = parse_qs(url.query).get("q", [""])[0]
        with self._lock:
            mode = self.script.pop(0) if self.script else self.mode
            self.requests.append(Request(arrived, url.path, query,
                                         h.headers.get("User-Agent", ""), mode))
        if url.path != "/search":
            return self._send(h, 404, b'{"error": "not found"}')
        if mode == "slow":
            time.sleep(self.delay)
            mode = "ok"
        if mode == "429":
            return self._send(h, 429, b'{"error": "rate limited"}',
                              {"Retry-After": self.retry_after})
        if mode == "500":
            return self._send(h, 500, b"<html>Internal Server Error</html>", ctype="text/html")
        if mode == "badjson":
            return self._send(h, 200, b'[{"lat": "-3.3", "lon": ')
        if mode == "empty":
            return self._send(h, 200, b"[]")
        lat, lon = self.points.get(query, DEFAULT_POINT)
        body = [{"place_id": 1, "licence": "stub", "osm_type": "way", "osm_id": 1,
                 "lat": f"{lat:.7f}", "lon": f"{lon:.7f}", "category": "highway",
                 "type": "residential", "place_rank": 26, "importance": 0.1,
                 "addresstype": "road", "name": "stub",
                 "display_name": f"Stub untuk {query}, Kalimantan Selatan, Indonesia",
                 "boundingbox": [str(lat - 0.001), str(lat + 0.001), str(lon - 0.001),
                                 str(lon + 0.001)]}]
        self._send(h, 200, json.dumps(body).encode())

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict | None = None,
              ctype: str = "application/json") -> None:
        try:
            h.send_response(status)
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass


def closed_port_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
