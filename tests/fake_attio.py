"""A fake Attio REST API on 127.0.0.1 for the live-API tests.

It serves a workspace snapshot through the real endpoint paths and response shapes
(``{"data": [...]}``, ``limit``/``offset`` paging of attributes and query results,
``show_archived``), checks the bearer token, records every request, and replays injected
faults: an error status with headers and body, or a delayed response.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "test-token-5f2c9a7e41d8b3"

UNAUTHORIZED = {"status_code": 401, "type": "auth_error", "code": "unauthorized",
                "message": "The access token is invalid or has been revoked."}


@dataclass
class Fault:
    """A canned response for the next ``times`` requests to ``path`` (``*``: any path).

    ``status`` ``None`` serves the normal response, after ``delay`` seconds.
    """

    path: str
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0
    times: int = 1


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    body: Any
    authorization: str | None


class FakeAttio:
    """The fake server. Use :meth:`start` and :meth:`stop`, or ``with``."""

    def __init__(self, snapshot: Mapping[str, Any], token: str = TOKEN,
                 records: Mapping[str, list[dict[str, Any]]] | None = None) -> None:
        self.snapshot = snapshot
        self.token = token
        self.records = dict(records or {})
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeAttio:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,),
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> FakeAttio:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def inject(self, path: str, status: int | None = None, *,
               headers: Mapping[str, str] | None = None, body: Any = None,
               delay: float = 0.0, times: int = 1) -> None:
        with self._lock:
            self.faults.append(Fault(path, status, dict(headers or {}), body, delay, times))

    def paths(self, method: str | None = None) -> list[str]:
        return [r.path for r in self.requests if method is None or r.method == method]

    # Serving -----------------------------------------------------------------------------

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.path in (path, "*"):
                    fault.times -= 1
                    return fault
        return None

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(handler.path)
        path = unquote(url.path)
        params = {key: values[-1] for key, values in parse_qs(url.query).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        authorization = handler.headers.get("Authorization")
        with self._lock:
            self.requests.append(Request(method, path, params, body, authorization))

        fault = self._take_fault(path)
        if fault is not None and fault.delay:
            self._released.wait(fault.delay)
        if fault is not None and fault.status is not None:
            self._send(handler, fault.status, fault.body, fault.headers)
            return
        if authorization != f"Bearer {self.token}":
            self._send(handler, 401, UNAUTHORIZED)
            return
        status, answer = self._answer(method, path, params, body)
        self._send(handler, status, answer)

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: Any,
              headers: Mapping[str, str] | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up after its timeout

    def _answer(self, method: str, path: str, params: dict[str, str],
                body: Any) -> tuple[int, Any]:
        snapshot = self.snapshot
        parts = path.strip("/").split("/")
        show_archived = params.get("show_archived") == "true"

        if method == "GET" and path == "/v2/self":
            workspace = snapshot["workspace"]
            return 200, {"active": True, "scope": "object_configuration:read",
                         "token_type": "Bearer", "workspace_id": workspace["id"],
                         "workspace_name": workspace["name"],
                         "workspace_slug": "demo-workspace"}
        if method == "GET" and path == "/v2/objects":
            return 200, {"data": snapshot["objects"]}
        if method == "GET" and path == "/v2/lists":
            return 200, {"data": snapshot["lists"]}
        if method == "GET" and path == "/v2/workspace_members":
            return 200, {"data": snapshot["workspace_members"]}
        if method == "GET" and len(parts) == 4 and parts[3] == "attributes":
            key = f"{parts[1]}/{parts[2]}"
            if key not in snapshot["attributes"]:
                return _not_found(path)
            items = _visible(snapshot["attributes"][key], show_archived)
            limit = int(params.get("limit", 500))
            offset = int(params.get("offset", 0))
            return 200, {"data": items[offset:offset + limit]}
        if method == "GET" and len(parts) == 6 and parts[5] in ("options", "statuses"):
            part = snapshot["select_options" if parts[5] == "options" else "statuses"]
            key = f"{parts[1]}/{parts[2]}/{parts[4]}"
            if key not in part:
                return _not_found(path)
            return 200, {"data": _visible(part[key], show_archived)}
        if method == "POST" and len(parts) == 5 and parts[4] == "query":
            key = f"{parts[1]}/{parts[2]}"
            if key not in snapshot["attributes"]:
                return _not_found(path)
            request = body or {}
            limit = int(request.get("limit", 500))
            offset = int(request.get("offset", 0))
            return 200, {"data": self.records.get(key, [])[offset:offset + limit]}
        return _not_found(path)


def _visible(items: list[dict[str, Any]], show_archived: bool) -> list[dict[str, Any]]:
    return [item for item in items if show_archived or not item.get("is_archived")]


def _not_found(path: str) -> tuple[int, Any]:
    return 404, {"status_code": 404, "type": "invalid_request_error", "code": "not_found",
                 "message": f"No resource at {path}."}


def company_records(count: int) -> list[dict[str, Any]]:
    """``count`` company records in the shape of Attio's record query response."""
    records = []
    for number in range(count):
        record_id = f"00000000-0000-4000-8000-{number:012d}"
        records.append({
            "id": {"workspace_id": "eaf7fdc8-0f7b-548b-8c2d-0f0d6dee703c",
                   "object_id": "8ffad1b9-07e2-59f2-a5f5-6ae995c7fc27",
                   "record_id": record_id},
            "created_at": "2024-03-01T09:00:00.000000000Z",
            "web_url": f"https://app.attio.com/demo/company/{record_id}",
            "values": {
                "name": [{"value": f"Company {number}", "attribute_type": "text"}],
                "tier": [{"option": {"title": "SMB" if number % 2 else "Enterprise"},
                          "attribute_type": "select"}],
                "domains": [{"domain": f"company{number}.example", "root_domain":
                             f"company{number}.example", "attribute_type": "domain"}],
            },
        })
    return records
