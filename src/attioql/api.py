"""A client for Attio's REST API: pull a workspace snapshot and run compiled queries.

Needs the ``api`` extra (httpx). :class:`AttioClient` sends every request through one
retry loop: HTTP 429 and 5xx responses, timeouts and connection failures are retried up to
``max_retries`` times, waiting for the time in the ``Retry-After`` header (seconds or an HTTP
date) or else an exponential backoff. Other failures raise :class:`AttioAPIError`
with Attio's error ``code`` and ``message``; HTTP 401 and 403 raise :class:`AttioAuthError`.

The API token is sent only in the ``Authorization`` header. It is kept out of reprs, log
records and exception messages: every message is built from the method, the path and
Attio's error body, and any copy of the token in that text is replaced by ``***``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx

from .core import SchemaSource, compile_query
from .schema import SchemaLoadError, parse_snapshot

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.attio.com"
SNAPSHOT_FORMAT = "attio-workspace-snapshot"
SNAPSHOT_VERSION = 1

ProgressCallback = Callable[[int, str], None]
"""Called before each request of :meth:`AttioClient.pull_schema` with the number of the
request (counting from 1) and a description such as ``attributes of objects/companies``."""


class AttioAPIError(Exception):
    """A request to Attio failed: an error response, a timeout or a connection failure.

    ``status`` is the HTTP status (``None`` without a response); ``code`` and
    ``attio_message`` are the ``code`` and ``message`` of Attio's error body when it has
    one. The message never contains the API token.
    """

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 attio_message: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.attio_message = attio_message


class AttioAuthError(AttioAPIError):
    """Attio rejected the token (HTTP 401) or its scopes (HTTP 403), or there is no usable
    token."""


class AttioTimeoutError(AttioAPIError):
    """Every attempt of a request timed out."""


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Parse a ``Retry-After`` header: a number of seconds or an HTTP date.

    Returns the seconds to wait (0 for a date in the past), or ``None`` when the header is
    missing or unreadable. ``now`` is the current time for a date value (default: the
    clock).
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    current = now or datetime.now(timezone.utc)
    return max((moment - current).total_seconds(), 0.0)


def required_scopes(method: str, path: str) -> tuple[str, ...]:
    """Return the Attio token scopes that a request needs, as Attio's endpoint reference
    lists them."""
    parts = path.strip("/").split("/")
    if parts[:2] == ["v2", "workspace_members"]:
        return ("user_management:read",)
    if parts[:2] == ["v2", "objects"]:
        if method == "POST" and parts[-2:] == ["records", "query"]:
            return ("record_permission:read", "object_configuration:read")
        return ("object_configuration:read",)
    if parts[:2] == ["v2", "lists"]:
        if method == "POST" and parts[-2:] == ["entries", "query"]:
            return ("list_entry:read", "list_configuration:read")
        return ("list_configuration:read",)
    return ()


def _check_token(token: str | None) -> str:
    if token is None or not token.strip():
        raise AttioAuthError("No Attio API token: set ATTIO_API_KEY or pass --token-file.")
    token = token.strip()
    if any(char.isspace() or not char.isprintable() or not char.isascii() for char in token):
        raise AttioAuthError("The Attio API token contains spaces, line breaks or other "
                             "characters that no token has; check the token file.")
    return token


class AttioClient:
    """A synchronous client for the parts of Attio's REST API that attioql uses.

    ``timeout`` is in seconds per request. ``max_retries`` is the number of retries after
    the first attempt. A retry waits ``Retry-After`` when Attio sends it (at most
    ``max_wait`` seconds), else ``backoff * 2**attempt`` seconds (also at most
    ``max_wait``). ``sleep`` does the waiting, so tests can record the waits instead.
    ``attribute_page_size`` is the ``limit`` of each attribute-list request.
    ``transport`` replaces httpx's network transport (for tests).

    Use it as a context manager, or call :meth:`close`, to release the connection pool.
    """

    def __init__(
        self,
        token: str | None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30.0,
        max_retries: int = 4,
        backoff: float = 0.5,
        max_wait: float = 60.0,
        attribute_page_size: int = 100,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        if attribute_page_size < 1:
            raise ValueError("attribute_page_size must be 1 or more")
        self._token = _check_token(token)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.attribute_page_size = attribute_page_size
        self._sleep = sleep
        self.request_count = 0
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )

    def __repr__(self) -> str:
        return f"<AttioClient {self.base_url}>"

    def __enter__(self) -> AttioClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # Requests ----------------------------------------------------------------------------

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None) -> Any:
        """Send one request with retries and return the decoded JSON body.

        Raises :class:`AttioAuthError` for HTTP 401 and 403, :class:`AttioTimeoutError`
        when every attempt timed out, and :class:`AttioAPIError` for any other failure.
        """
        attempt = 0
        while True:
            self.request_count += 1
            try:
                response = self._http.request(method, path, params=params, json=json)
            except httpx.TimeoutException:
                if attempt < self.max_retries:
                    self._wait(attempt, None, method, path, "timed out")
                    attempt += 1
                    continue
                raise AttioTimeoutError(
                    f"{method} {path} timed out after {self.timeout:g} s "
                    f"({attempt + 1} attempts); try again or raise the timeout.") from None
            except httpx.TransportError as error:
                reason = self._redact(str(error) or type(error).__name__)
                if attempt < self.max_retries:
                    self._wait(attempt, None, method, path, f"failed: {reason}")
                    attempt += 1
                    continue
                raise AttioAPIError(
                    f"{method} {path} failed: cannot reach {self.base_url}: {reason}.") from None

            status = response.status_code
            if (status == 429 or status >= 500) and attempt < self.max_retries:
                delay = retry_after_seconds(response.headers.get("Retry-After"))
                self._wait(attempt, delay, method, path, f"returned HTTP {status}")
                attempt += 1
                continue
            if status >= 400:
                raise self._error(response, method, path)
            try:
                return response.json()
            except ValueError:
                raise AttioAPIError(f"{method} {path} returned HTTP {status} with a body that "
                                    "is not JSON.", status=status) from None

    def _wait(self, attempt: int, retry_after: float | None, method: str, path: str,
              reason: str) -> None:
        if retry_after is None:
            delay = min(self.backoff * 2 ** attempt, self.max_wait)
        else:
            delay = min(retry_after, self.max_wait)
        logger.warning("%s %s %s; retry %d of %d in %.2f s", method, path, reason,
                       attempt + 1, self.max_retries, delay)
        self._sleep(delay)

    def _error(self, response: httpx.Response, method: str, path: str) -> AttioAPIError:
        status = response.status_code
        code: str | None = None
        attio_message: str | None = None
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            code = str(body["code"]) if body.get("code") is not None else None
            if body.get("message") is not None:
                attio_message = self._redact(str(body["message"]))
        detail = ": ".join(part for part in (code, attio_message) if part)
        if not detail:
            detail = response.reason_phrase or "no error body"
        summary = f"{method} {path} returned HTTP {status} ({detail})"

        if status == 401:
            message = (f"Attio rejected the API token: {summary}. Check that ATTIO_API_KEY "
                       "or the token file holds a current token of this workspace.")
            error: AttioAPIError = AttioAuthError(message, status=status, code=code,
                                                  attio_message=attio_message)
        elif status == 403:
            scopes = required_scopes(method, path)
            if scopes:
                names = " and ".join(scopes)
                noun = "scope" if len(scopes) == 1 else "scopes"
                advice = (f"the token is missing the {names} {noun}; grant it in Attio's "
                          "workspace settings under Developers")
            else:
                advice = "the token lacks a permission this request needs"
            message = f"Attio denied access: {summary}; {advice}."
            error = AttioAuthError(message, status=status, code=code,
                                   attio_message=attio_message)
        else:
            error = AttioAPIError(f"Attio request failed: {summary}.", status=status,
                                  code=code, attio_message=attio_message)
        logger.debug("%s", error.message)
        return error

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "***")

    def _data(self, path: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        body = self.request("GET", path, params=params)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise AttioAPIError(f"GET {path} returned a body without a `data` list.")
        data: list[Any] = body["data"]
        return data

    # Schema ------------------------------------------------------------------------------

    def pull_schema(self, progress: ProgressCallback | None = None) -> dict[str, Any]:
        """Fetch the workspace schema and return it as a snapshot (the format that
        :func:`attioql.load_schema` reads).

        Fetches the token's workspace, the objects, the lists, every object's and list's
        attributes, the options of every select attribute, the statuses of every status
        attribute and the workspace members. Archived attributes, options and statuses are
        included, so filters saved before they were archived still resolve. Allowed object
        ids of record references stay object ids, as Attio sends them. ``progress`` is
        called before each request.
        """
        count = 0

        def step(description: str) -> None:
            nonlocal count
            count += 1
            if progress is not None:
                progress(count, description)

        step("workspace")
        identity = self.request("GET", "/v2/self")
        if isinstance(identity, dict) and identity.get("active") is False:
            raise AttioAuthError("Attio reports the API token as inactive; create a new "
                                 "token in Attio's workspace settings under Developers.")
        step("objects")
        objects = self._data("/v2/objects")
        step("lists")
        lists = self._data("/v2/lists")

        attributes: dict[str, list[Any]] = {}
        for kind, items in (("objects", objects), ("lists", lists)):
            for item in items:
                key = f"{kind}/{item['api_slug']}"
                attributes[key] = self._attributes(key, step)

        select_options: dict[str, list[Any]] = {}
        statuses: dict[str, list[Any]] = {}
        for key, models in attributes.items():
            for model in models:
                if model.get("type") not in ("select", "status"):
                    continue
                part = "options" if model["type"] == "select" else "statuses"
                attribute_key = f"{key}/{model['api_slug']}"
                step(f"{part} of {attribute_key}")
                slug = quote(model["api_slug"], safe="")
                path = f"/v2/{_quote_key(key)}/attributes/{slug}/{part}"
                found = self._data(path, {"show_archived": "true"})
                (select_options if part == "options" else statuses)[attribute_key] = found

        step("workspace members")
        members = self._data("/v2/workspace_members")

        snapshot = {
            "format": SNAPSHOT_FORMAT,
            "version": SNAPSHOT_VERSION,
            "workspace": _workspace(identity, objects),
            "objects": objects,
            "lists": lists,
            "attributes": attributes,
            "select_options": select_options,
            "statuses": statuses,
            "workspace_members": members,
        }
        try:
            parse_snapshot(snapshot, "pulled from Attio")
        except SchemaLoadError as error:
            raise AttioAPIError(f"Attio's responses do not have the expected shape: {error}") \
                from None
        return snapshot

    def _attributes(self, key: str, step: Callable[[str], None]) -> list[Any]:
        """Fetch every attribute of one object or list, page by page."""
        found: list[Any] = []
        page = 1
        while True:
            step(f"attributes of {key}" + (f" (page {page})" if page > 1 else ""))
            params = {"limit": self.attribute_page_size, "offset": len(found),
                      "show_archived": "true"}
            batch = self._data(f"/v2/{_quote_key(key)}/attributes", params)
            found.extend(batch)
            # NOTE: Attio does not document a maximum `limit` here. A page shorter than the
            # requested limit ends the listing, so a server that caps the page size below
            # attribute_page_size would cut the list short.
            if len(batch) < self.attribute_page_size:
                return found
            page += 1

    # Queries -----------------------------------------------------------------------------

    def query(
        self,
        query: str | Mapping[str, Any],
        *,
        schema: SchemaSource = None,
        limit: int | None = None,
        page_size: int = 500,
        now: datetime | None = None,
        timezone: str = "UTC",
        current_member: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Run a query and iterate over the records (or list entries) it selects.

        ``query`` is attioql query text, compiled here with :func:`attioql.compile_query`
        and the ``schema``, ``now``, ``timezone`` and ``current_member`` options, or the
        ``{"method", "path", "body"}`` that ``compile_query`` returned. Compile errors
        raise :class:`attioql.AttioQLError` at once; requests are sent as the iterator
        advances. Pages of at most ``page_size`` records follow the body's ``offset``
        until ``limit`` records have arrived (default: the query's own ``limit``, else
        every record), or a page comes back short. When the first page already covers the
        limit, the request body is exactly the compiled body.
        """
        if isinstance(query, str):
            compiled: Mapping[str, Any] = compile_query(
                query, schema=schema, now=now, timezone=timezone,
                current_member=current_member)
        else:
            compiled = query
        path = compiled.get("path")
        body = compiled.get("body", {})
        if compiled.get("method", "POST") != "POST" or not isinstance(path, str) \
                or not path.startswith("/v2/") or not isinstance(body, Mapping):
            raise ValueError("query must be attioql query text or the {method, path, body} "
                             "that attioql.compile_query returns")
        if page_size < 1:
            raise ValueError("page_size must be 1 or more")
        if limit is not None and limit < 0:
            raise ValueError("limit must be 0 or more")
        total = limit if limit is not None else body.get("limit")
        return self._pages(path, dict(body), total, page_size)

    def _pages(self, path: str, body: dict[str, Any], total: int | None,
               page_size: int) -> Iterator[dict[str, Any]]:
        start = int(body.get("offset", 0))
        fetched = 0
        while total is None or fetched < total:
            size = page_size if total is None else min(page_size, total - fetched)
            page_body = dict(body)
            page_body["limit"] = size
            if "offset" in body or fetched:
                page_body["offset"] = start + fetched
            response = self.request("POST", path, json=page_body)
            if not isinstance(response, dict) or not isinstance(response.get("data"), list):
                raise AttioAPIError(f"POST {path} returned a body without a `data` list.")
            records: list[dict[str, Any]] = response["data"][:size]
            yield from records
            fetched += len(records)
            if len(records) < size:
                return


def _quote_key(key: str) -> str:
    kind, _, slug = key.partition("/")
    return f"{kind}/{quote(slug, safe='')}"


def _workspace(identity: Any, objects: list[Any]) -> dict[str, Any]:
    """Build the snapshot's ``workspace`` part from the id and name that ``GET /v2/self``
    returns, or from the objects' workspace id when it returns none."""
    workspace_id = None
    name = None
    if isinstance(identity, dict):
        workspace_id = identity.get("workspace_id")
        name = identity.get("workspace_name")
    if workspace_id is None and objects:
        workspace_id = objects[0].get("id", {}).get("workspace_id")
    return {"id": workspace_id, "name": name}
