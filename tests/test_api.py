"""AttioClient against the fake Attio server on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from datetime import datetime, timezone
from importlib import resources
from typing import Any

import pytest
from fake_attio import TOKEN, FakeAttio, company_records

import attioql
from attioql.api import (
    AttioAPIError,
    AttioAuthError,
    AttioClient,
    AttioTimeoutError,
    required_scopes,
    retry_after_seconds,
)

DEMO: dict[str, Any] = json.loads(
    resources.files("attioql").joinpath("schemas", "demo.json").read_text("utf-8"))


@pytest.fixture
def fake() -> Iterator[FakeAttio]:
    with FakeAttio(DEMO, records={"objects/companies": company_records(12),
                                  "lists/sales_pipeline": []}) as server:
        yield server


class Sleeps(list[float]):
    """A stand-in for time.sleep that records each wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client_for(fake: FakeAttio, **options: Any) -> tuple[AttioClient, Sleeps]:
    sleeps = Sleeps()
    options.setdefault("timeout", 5.0)
    return AttioClient(TOKEN, fake.base_url, sleep=sleeps, **options), sleeps


# Pulling the schema ------------------------------------------------------------------------


def test_pull_schema_equals_demo_snapshot(fake: FakeAttio) -> None:
    client, sleeps = client_for(fake, attribute_page_size=10)
    with client:
        snapshot = client.pull_schema()
    for part in ("format", "version", "workspace", "objects", "lists", "workspace_members"):
        assert snapshot[part] == DEMO[part], part
    assert list(snapshot["attributes"]) == list(DEMO["attributes"])
    for key, attributes in DEMO["attributes"].items():
        assert snapshot["attributes"][key] == attributes, key
    assert snapshot["select_options"] == DEMO["select_options"]
    assert snapshot["statuses"] == DEMO["statuses"]
    assert snapshot == DEMO
    assert sleeps == []


def test_pull_schema_pages_attributes(fake: FakeAttio) -> None:
    client, _ = client_for(fake, attribute_page_size=10)
    with client:
        client.pull_schema()
    company_pages = [request.params for request in fake.requests
                     if request.path == "/v2/objects/companies/attributes"]
    assert company_pages == [
        {"limit": "10", "offset": "0", "show_archived": "true"},
        {"limit": "10", "offset": "10", "show_archived": "true"},
        {"limit": "10", "offset": "20", "show_archived": "true"},
        {"limit": "10", "offset": "30", "show_archived": "true"},
    ]


def test_pull_schema_asks_for_archived_items(fake: FakeAttio) -> None:
    client, _ = client_for(fake)
    with client:
        snapshot = client.pull_schema()
    listed = [request for request in fake.requests
              if request.path.endswith(("/attributes", "/options", "/statuses"))]
    assert len(listed) == 7 + 13
    assert all(request.params.get("show_archived") == "true" for request in listed)
    tier = snapshot["select_options"]["objects/companies/tier"]
    assert [option["title"] for option in tier if option["is_archived"]] == ["Legacy"]
    people = snapshot["attributes"]["objects/people"]
    assert [a["api_slug"] for a in people if a["is_archived"]] == ["legacy_source"]


def test_pull_schema_request_order(fake: FakeAttio) -> None:
    client, _ = client_for(fake)
    with client:
        client.pull_schema()
    paths = fake.paths()
    assert paths[:5] == ["/v2/self", "/v2/objects", "/v2/lists",
                         "/v2/objects/people/attributes", "/v2/objects/companies/attributes"]
    assert "/v2/objects/companies/attributes/tier/options" in paths
    assert "/v2/lists/sales_pipeline/attributes/stage/statuses" in paths
    assert paths[-1] == "/v2/workspace_members"
    assert len(paths) == 3 + 7 + 13 + 1


def test_pull_schema_reports_progress(fake: FakeAttio) -> None:
    steps: list[tuple[int, str]] = []
    client, _ = client_for(fake, attribute_page_size=30)
    with client:
        client.pull_schema(lambda number, description: steps.append((number, description)))
    assert steps[:6] == [(1, "workspace"), (2, "objects"), (3, "lists"),
                         (4, "attributes of objects/people"),
                         (5, "attributes of objects/companies"),
                         (6, "attributes of objects/companies (page 2)")]
    assert (steps[-1][1], steps[-1][0]) == ("workspace members", len(fake.requests))
    assert [number for number, _ in steps] == list(range(1, len(steps) + 1))
    assert ("options of objects/companies/tier" in [d for _, d in steps])


def test_pulled_snapshot_loads_as_schema(fake: FakeAttio) -> None:
    client, _ = client_for(fake)
    with client:
        snapshot = client.pull_schema()
    result = attioql.compile_filter("tier = smb and owner = tom", target="companies",
                                    schema=snapshot)
    assert result == {"$and": [
        {"tier": "SMB"},
        {"owner": {"referenced_actor_type": "workspace-member",
                   "referenced_actor_id": "386f2261-c345-5bcd-a1fc-d7b16c64f063"}},
    ]}


def test_pull_schema_without_workspace_name(fake: FakeAttio) -> None:
    fake.inject("/v2/self", 200, body={"active": True})
    client, _ = client_for(fake)
    with client:
        snapshot = client.pull_schema()
    assert snapshot["workspace"] == {"id": "eaf7fdc8-0f7b-548b-8c2d-0f0d6dee703c",
                                     "name": None}


def test_pull_schema_inactive_token(fake: FakeAttio) -> None:
    fake.inject("/v2/self", 200, body={"active": False})
    client, _ = client_for(fake)
    with client, pytest.raises(AttioAuthError) as caught:
        client.pull_schema()
    assert caught.value.message == (
        "Attio reports the API token as inactive; create a new token in Attio's workspace "
        "settings under Developers.")
    assert fake.paths() == ["/v2/self"]


def test_pull_schema_rejects_wrong_shape(fake: FakeAttio) -> None:
    fake.inject("/v2/lists", 200, body={"lists": []})
    client, _ = client_for(fake)
    with client, pytest.raises(AttioAPIError) as caught:
        client.pull_schema()
    assert caught.value.message == "GET /v2/lists returned a body without a `data` list."


# Queries ---------------------------------------------------------------------------------


def post_bodies(fake: FakeAttio) -> list[Any]:
    return [request.body for request in fake.requests if request.method == "POST"]


def test_query_sends_compiled_body(fake: FakeAttio) -> None:
    text = "companies where tier = smb order by name desc limit 5"
    compiled = attioql.compile_query(text, schema="demo")
    client, _ = client_for(fake)
    with client:
        records = list(client.query(text, schema="demo"))
    assert post_bodies(fake) == [compiled["body"]]
    assert fake.paths("POST") == ["/v2/objects/companies/records/query"]
    assert [r["values"]["name"][0]["value"] for r in records] == [
        "Company 0", "Company 1", "Company 2", "Company 3", "Company 4"]


def test_query_pages_up_to_limit(fake: FakeAttio) -> None:
    client, _ = client_for(fake)
    with client:
        records = list(client.query("companies where tier = smb limit 7", schema="demo",
                                    page_size=3))
    assert post_bodies(fake) == [
        {"filter": {"tier": "SMB"}, "limit": 3},
        {"filter": {"tier": "SMB"}, "limit": 3, "offset": 3},
        {"filter": {"tier": "SMB"}, "limit": 1, "offset": 6},
    ]
    assert [record["id"]["record_id"][-2:] for record in records] == [
        "00", "01", "02", "03", "04", "05", "06"]


def test_query_pages_from_offset(fake: FakeAttio) -> None:
    client, _ = client_for(fake)
    with client:
        records = list(client.query("companies limit 4 offset 9", page_size=2))
    assert post_bodies(fake) == [{"limit": 2, "offset": 9}, {"limit": 2, "offset": 11}]
    assert [record["id"]["record_id"][-2:] for record in records] == ["09", "10", "11"]


def test_query_without_limit_reads_all(fake: FakeAttio) -> None:
    client, _ = client_for(fake)
    with client:
        records = list(client.query("companies", page_size=5))
    assert post_bodies(fake) == [{"limit": 5}, {"limit": 5, "offset": 5},
                                 {"limit": 5, "offset": 10}]
    assert len(records) == 12


def test_query_limit_argument_overrides(fake: FakeAttio) -> None:
    client, _ = client_for(fake)
    with client:
        records = list(client.query("companies limit 10", limit=2))
        nothing = list(client.query("companies", limit=0))
    assert post_bodies(fake) == [{"limit": 2}]
    assert len(records) == 2
    assert nothing == []


def test_query_accepts_compiled_list_query(fake: FakeAttio) -> None:
    compiled = attioql.compile_query("sales_pipeline where stage = qualified", schema="demo")
    client, _ = client_for(fake)
    with client:
        records = list(client.query(compiled))
    assert records == []
    assert fake.paths("POST") == ["/v2/lists/sales_pipeline/entries/query"]
    assert post_bodies(fake) == [{"filter": {"stage": "Qualified"}, "limit": 500}]


def test_query_compile_error_sends_nothing(fake: FakeAttio) -> None:
    client, _ = client_for(fake)
    with client, pytest.raises(attioql.AttioQLError) as caught:
        client.query("companies where tierr = smb", schema="demo")
    assert caught.value.errors[0].code == "unknown.attribute"
    assert fake.requests == []


def test_query_rejects_bad_arguments(fake: FakeAttio) -> None:
    client, _ = client_for(fake)
    with client:
        with pytest.raises(ValueError, match="page_size must be 1 or more"):
            client.query("companies", page_size=0)
        with pytest.raises(ValueError, match="limit must be 0 or more"):
            client.query("companies", limit=-1)
        with pytest.raises(ValueError, match="query must be attioql query text"):
            client.query({"method": "GET", "path": "/v2/objects", "body": {}})


def test_query_filter_error_shows_code(fake: FakeAttio) -> None:
    fake.inject("/v2/objects/companies/records/query", 400, body={
        "status_code": 400, "type": "invalid_request_error", "code": "filter_error",
        "message": "Unknown attribute slug: tierr"})
    client, sleeps = client_for(fake)
    with client, pytest.raises(AttioAPIError) as caught:
        list(client.query("companies"))
    error = caught.value
    assert (error.status, error.code, error.attio_message) == (
        400, "filter_error", "Unknown attribute slug: tierr")
    assert error.message == (
        "Attio request failed: POST /v2/objects/companies/records/query returned HTTP 400 "
        "(filter_error: Unknown attribute slug: tierr).")
    assert sleeps == []


# Retries and timeouts ----------------------------------------------------------------------


def test_retry_honours_retry_after_seconds(fake: FakeAttio) -> None:
    fake.inject("/v2/objects", 429, headers={"Retry-After": "2"},
                body={"status_code": 429, "code": "rate_limit_exceeded", "message": "Slow down"})
    client, sleeps = client_for(fake)
    with client:
        snapshot = client.pull_schema()
    assert sleeps == [2.0]
    assert fake.paths().count("/v2/objects") == 2
    assert snapshot == DEMO


def test_retry_honours_retry_after_date(fake: FakeAttio) -> None:
    fake.inject("/v2/lists", 429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    client, sleeps = client_for(fake)
    with client:
        client.pull_schema()
    assert sleeps == [0.0]


def test_retry_after_capped_by_max_wait(fake: FakeAttio) -> None:
    fake.inject("/v2/objects", 429, headers={"Retry-After": "3600"})
    client, sleeps = client_for(fake, max_wait=5.0)
    with client:
        client.pull_schema()
    assert sleeps == [5.0]


def test_retry_server_errors_with_backoff(fake: FakeAttio) -> None:
    fake.inject("/v2/workspace_members", 500, times=2)
    fake.inject("/v2/workspace_members", 503, times=1)
    client, sleeps = client_for(fake, backoff=0.25)
    with client:
        snapshot = client.pull_schema()
    assert sleeps == [0.25, 0.5, 1.0]
    assert snapshot["workspace_members"] == DEMO["workspace_members"]


def test_retry_gives_up_after_max_retries(fake: FakeAttio) -> None:
    fake.inject("/v2/objects", 500, times=3, body={
        "status_code": 500, "type": "internal_error", "code": "internal_server_error",
        "message": "Something went wrong"})
    client, sleeps = client_for(fake, max_retries=2, backoff=0.01)
    with client, pytest.raises(AttioAPIError) as caught:
        client.pull_schema()
    assert sleeps == [0.01, 0.02]
    assert caught.value.status == 500
    assert caught.value.message == (
        "Attio request failed: GET /v2/objects returned HTTP 500 "
        "(internal_server_error: Something went wrong).")
    assert fake.paths().count("/v2/objects") == 3


def test_retry_query_page_after_429(fake: FakeAttio) -> None:
    fake.inject("/v2/objects/companies/records/query", 429, headers={"Retry-After": "1"})
    client, sleeps = client_for(fake)
    with client:
        records = list(client.query("companies limit 3"))
    assert sleeps == [1.0]
    assert post_bodies(fake) == [{"limit": 3}, {"limit": 3}]
    assert len(records) == 3


def test_retry_logs_a_warning(fake: FakeAttio, caplog: pytest.LogCaptureFixture) -> None:
    fake.inject("/v2/objects", 429, headers={"Retry-After": "2"})
    client, _ = client_for(fake)
    with client, caplog.at_level(logging.WARNING, logger="attioql.api"):
        client.pull_schema()
    assert [record.getMessage() for record in caplog.records] == [
        "GET /v2/objects returned HTTP 429; retry 1 of 4 in 2.00 s"]


def test_timeout_without_retries(fake: FakeAttio) -> None:
    fake.inject("/v2/objects/companies/records/query", delay=3.0)
    client, sleeps = client_for(fake, timeout=0.5, max_retries=0)
    with client, pytest.raises(AttioTimeoutError) as caught:
        list(client.query("companies limit 3"))
    assert caught.value.message == (
        "POST /v2/objects/companies/records/query timed out after 0.5 s (1 attempts); "
        "try again or raise the timeout.")
    assert caught.value.status is None
    assert sleeps == []


def test_timeout_then_retry_succeeds(fake: FakeAttio) -> None:
    fake.inject("/v2/objects/companies/records/query", delay=3.0)
    client, sleeps = client_for(fake, timeout=1.0, backoff=0.01)
    with client:
        records = list(client.query("companies limit 3"))
    assert sleeps == [0.01]
    assert post_bodies(fake) == [{"limit": 3}, {"limit": 3}]
    assert len(records) == 3


def test_connection_refused_is_retried() -> None:
    # A bound socket that does not listen refuses connections, and holding it keeps
    # any other server off the port.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        base_url = f"http://127.0.0.1:{closed.getsockname()[1]}"
        sleeps = Sleeps()
        with AttioClient(TOKEN, base_url, max_retries=2, backoff=0.01, sleep=sleeps) as client, \
                pytest.raises(AttioAPIError) as caught:
            client.pull_schema()
    assert sleeps == [0.01, 0.02]
    assert caught.value.message.startswith(f"GET /v2/self failed: cannot reach {base_url}: ")


@pytest.mark.parametrize(("value", "seconds"), [
    ("2", 2.0),
    (" 0.5 ", 0.5),
    ("-3", 0.0),
    ("Wed, 17 Jan 2024 15:30:10 GMT", 10.0),
    ("Wed, 17 Jan 2024 15:29:00 GMT", 0.0),
    ("soon", None),
    ("", None),
    (None, None),
    ("nan", None),
])
def test_retry_after_values(value: str | None, seconds: float | None) -> None:
    now = datetime(2024, 1, 17, 15, 30, 0, tzinfo=timezone.utc)
    assert retry_after_seconds(value, now) == seconds


# Authentication and the token --------------------------------------------------------------


def test_wrong_token_is_auth_error(fake: FakeAttio) -> None:
    client = AttioClient("wrong-token-value", fake.base_url, sleep=Sleeps())
    with client, pytest.raises(AttioAuthError) as caught:
        client.pull_schema()
    error = caught.value
    assert (error.status, error.code) == (401, "unauthorized")
    assert error.message == (
        "Attio rejected the API token: GET /v2/self returned HTTP 401 (unauthorized: The "
        "access token is invalid or has been revoked.). Check that ATTIO_API_KEY or the "
        "token file holds a current token of this workspace.")
    assert fake.paths() == ["/v2/self"]


def test_missing_scope_is_named(fake: FakeAttio) -> None:
    fake.inject("/v2/objects", 403, body={
        "status_code": 403, "type": "auth_error", "code": "missing_scopes",
        "message": "Token lacks a required scope"})
    client, _ = client_for(fake)
    with client, pytest.raises(AttioAuthError) as caught:
        client.pull_schema()
    assert caught.value.message == (
        "Attio denied access: GET /v2/objects returned HTTP 403 (missing_scopes: Token lacks "
        "a required scope); the token is missing the object_configuration:read scope; grant "
        "it in Attio's workspace settings under Developers.")


@pytest.mark.parametrize(("method", "path", "scopes"), [
    ("GET", "/v2/objects", ("object_configuration:read",)),
    ("GET", "/v2/objects/companies/attributes/tier/options", ("object_configuration:read",)),
    ("GET", "/v2/lists", ("list_configuration:read",)),
    ("GET", "/v2/lists/sales_pipeline/attributes", ("list_configuration:read",)),
    ("GET", "/v2/workspace_members", ("user_management:read",)),
    ("POST", "/v2/objects/companies/records/query",
     ("record_permission:read", "object_configuration:read")),
    ("POST", "/v2/lists/sales_pipeline/entries/query",
     ("list_entry:read", "list_configuration:read")),
    ("GET", "/v2/self", ()),
])
def test_required_scopes(method: str, path: str, scopes: tuple[str, ...]) -> None:
    assert required_scopes(method, path) == scopes


def test_token_sent_as_bearer(fake: FakeAttio) -> None:
    client, _ = client_for(fake)
    with client:
        list(client.query("companies limit 1"))
    assert [request.authorization for request in fake.requests] == [f"Bearer {TOKEN}"]


def test_token_hidden_from_repr_and_errors(fake: FakeAttio,
                                           caplog: pytest.LogCaptureFixture) -> None:
    fake.inject("/v2/objects", 500, body={"code": "echo", "message": f"bad token {TOKEN}"})
    fake.inject("/v2/lists", 400, body={"code": "echo", "message": f"bad token {TOKEN}"})
    client, _ = client_for(fake)
    with client, caplog.at_level(logging.DEBUG), pytest.raises(AttioAPIError) as caught:
        client.pull_schema()
    assert repr(client) == f"<AttioClient {fake.base_url}>"
    assert caught.value.message == ("Attio request failed: GET /v2/lists returned HTTP 400 "
                                    "(echo: bad token ***).")
    assert TOKEN not in str(caught.value)
    assert TOKEN not in caplog.text
    assert "bad token ***" in caplog.text


@pytest.mark.parametrize(("token", "message"), [
    (None, "No Attio API token: set ATTIO_API_KEY or pass --token-file."),
    ("  ", "No Attio API token: set ATTIO_API_KEY or pass --token-file."),
    ("abc def", "The Attio API token contains spaces, line breaks or other characters that "
                "no token has; check the token file."),
    ("abc\ndef", "The Attio API token contains spaces, line breaks or other characters that "
                 "no token has; check the token file."),
])
def test_unusable_token_rejected(token: str | None, message: str) -> None:
    with pytest.raises(AttioAuthError) as caught:
        AttioClient(token, "http://127.0.0.1:9")
    assert caught.value.message == message


def test_token_whitespace_stripped(fake: FakeAttio) -> None:
    with AttioClient(f"  {TOKEN}\n", fake.base_url) as client:
        list(client.query("companies limit 1"))
    assert fake.requests[0].authorization == f"Bearer {TOKEN}"
