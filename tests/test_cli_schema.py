"""`attioql schema pull`, `schema show` and `query` against the fake Attio server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from fake_attio import TOKEN, FakeAttio, company_records

from attioql.cli import main

DEMO: dict[str, Any] = json.loads(
    resources.files("attioql").joinpath("schemas", "demo.json").read_text("utf-8"))

SUMMARY = ("5 objects, 2 lists, 101 attributes, 13 option and status lists, 6 members")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAttio]:
    monkeypatch.setenv("ATTIO_API_KEY", TOKEN)
    with FakeAttio(DEMO, records={"objects/companies": company_records(12)}) as server:
        yield server


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI and check that the token appears in neither output stream."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert TOKEN not in out
    assert TOKEN not in err
    return status, out, err


# schema pull -------------------------------------------------------------------------------


def test_pull_writes_demo_snapshot(fake: FakeAttio, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "workspace.json"
    status, out, err = run(capsys, "schema", "pull", "--base-url", fake.base_url,
                           "-o", str(output))
    assert status == 0
    assert out == ""
    snapshot = json.loads(output.read_text("utf-8"))
    for part in DEMO:
        assert snapshot[part] == DEMO[part], part
    assert snapshot == DEMO
    lines = err.splitlines()
    assert lines[:4] == ["attioql: request 1: workspace", "attioql: request 2: objects",
                         "attioql: request 3: lists",
                         "attioql: request 4: attributes of objects/people"]
    assert lines[-2] == f"attioql: request {len(fake.requests)}: workspace members"
    assert lines[-1] == f"attioql: wrote {output}: {SUMMARY}"
    assert len(lines) == len(fake.requests) + 1


def test_pull_to_standard_output(fake: FakeAttio, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "schema", "pull", "--base-url", fake.base_url, "--quiet")
    assert status == 0
    assert json.loads(out) == DEMO
    assert err == ""


def test_pull_token_file(fake: FakeAttio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("ATTIO_API_KEY")
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n", "utf-8")
    status, out, _ = run(capsys, "schema", "pull", "--base-url", fake.base_url, "-q",
                         "--token-file", str(token_file))
    assert status == 0
    assert json.loads(out) == DEMO
    assert fake.requests[0].authorization == f"Bearer {TOKEN}"


def test_pull_without_token(fake: FakeAttio, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("ATTIO_API_KEY")
    status, out, err = run(capsys, "schema", "pull", "--base-url", fake.base_url)
    assert (status, out) == (2, "")
    assert err == ("attioql schema pull: error: no Attio API token: set ATTIO_API_KEY or "
                   "pass --token-file FILE\n")
    assert fake.requests == []


def test_pull_missing_token_file(fake: FakeAttio, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing"
    status, _, err = run(capsys, "schema", "pull", "--base-url", fake.base_url,
                         "--token-file", str(missing))
    assert status == 2
    assert err == (f"attioql schema pull: error: cannot read the token file {str(missing)!r}: "
                   "No such file or directory\n")


def test_pull_wrong_token(fake: FakeAttio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ATTIO_API_KEY", "not-the-token")
    output = tmp_path / "workspace.json"
    status, out, err = run(capsys, "schema", "pull", "--base-url", fake.base_url, "-q",
                           "-o", str(output))
    assert (status, out) == (1, "")
    assert err == (
        "attioql schema pull: error: Attio rejected the API token: GET /v2/self returned "
        "HTTP 401 (unauthorized: The access token is invalid or has been revoked.). Check "
        "that ATTIO_API_KEY or the token file holds a current token of this workspace.\n")
    assert not output.exists()


def test_pull_missing_scope(fake: FakeAttio, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    fake.inject("/v2/objects/companies/attributes", 403, body={
        "status_code": 403, "type": "auth_error", "code": "missing_scopes",
        "message": "Token lacks a required scope"})
    output = tmp_path / "workspace.json"
    output.write_text("old snapshot", "utf-8")
    status, _, err = run(capsys, "schema", "pull", "--base-url", fake.base_url, "-q",
                         "-o", str(output))
    assert status == 1
    assert err == (
        "attioql schema pull: error: Attio denied access: GET /v2/objects/companies/attributes "
        "returned HTTP 403 (missing_scopes: Token lacks a required scope); the token is "
        "missing the object_configuration:read scope; grant it in Attio's workspace settings "
        "under Developers.\n")
    assert output.read_text("utf-8") == "old snapshot"


# schema show -------------------------------------------------------------------------------

DEMO_OVERVIEW = """\
Workspace: Demo workspace (eaf7fdc8-0f7b-548b-8c2d-0f0d6dee703c)

Objects
  slug        title       attributes
  ----------  ----------  ----------
  people      People      28
  companies   Companies   33
  deals       Deals       11
  users       Users       7
  workspaces  Workspaces  8

Lists
  slug            name            parent objects  attributes
  --------------  --------------  --------------  ----------
  sales_pipeline  Sales pipeline  companies       8
  recruiting      Recruiting      people          6

Members
  name          email                  access     id
  ------------  ---------------------  ---------  ------------------------------------
  Tom Lee       tom@example.com        admin      386f2261-c345-5bcd-a1fc-d7b16c64f063
  Ann Smith     ann.smith@example.com  member     65e72e32-4e28-57bb-b143-a15836b7127b
  Ann Jones     ann.jones@example.com  member     3a2b3e0a-2371-5c58-a138-b66bb285b410
  Priya Patel   priya@example.com      member     dfb642fc-e8a4-5201-9b94-4270b8e4cc46
  José Álvarez  jose@example.com       member     2756e88c-ac3c-51a9-8d85-723438f1c456
  Sam Reed      sam@example.com        suspended  b78ee259-d3d9-56c1-b7ca-363a84bdb5de
"""

TIER_DETAIL = """\
objects/companies.tier: Tier

  type: select
  multi-valued: no
  archived: no

  property     operators
  -----------  ----------------------------------
  (attribute)  =, !=, in, not in
  active_from  >, >=, <, <=, between, not between

Options
  title       id                                    archived
  ----------  ------------------------------------  --------
  Enterprise  a451ca31-1d28-5431-836c-1cb0425608bd
  Mid-market  f90750a3-98df-51af-8ecd-78b03f5b5948
  SMB         afc7d966-f522-5a77-8989-b3d4c7ceed65
  Legacy      792d218d-edf1-5517-afbb-899294a1459a  yes
"""

PIPELINE = """\
lists/sales_pipeline: Sales pipeline, entries of companies, 8 attributes

  slug            title           type             operators
  --------------  --------------  ---------------  ---------------------------------------
  created_at      Created at      timestamp        =, in, >, >=, <, <=, between
  created_by      Created by      actor-reference  =, in
  stage           Stage           status           =, in
  priority        Priority        select           =, in
  owner           Owner           actor-reference  =, in
  amount          Amount          currency         =, in, >, >=, <, <=, between
  next_step_date  Next step date  date             =, in, >, >=, <, <=, between
  notes           Notes           text             =, in, contains, starts with, ends with

  Each operator also has its negation: !=, not in, does not contain, is empty and so on.

stage statuses: Prospecting, Qualified, Proposal sent, Closed won, Closed lost
priority options: High, Medium, Low
"""


def test_show_workspace(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "schema", "show", "--schema", "demo") == (0, DEMO_OVERVIEW, "")


def test_show_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "schema", "show", "--schema", "demo", "sales_pipeline") == (
        0, PIPELINE, "")


def test_show_object_rows(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "schema", "show", "--schema", "demo", "companies")
    lines = out.splitlines()
    assert status == 0
    assert lines[0] == "objects/companies: Companies, 33 attributes"
    rows = {line.split()[0]: line for line in lines[4:37]}
    assert rows["partners"].split("  ")[-1] == "=, in"
    assert "record-reference to companies, people (multi)" in rows["partners"]
    assert rows["domains"].endswith("=, in, contains, starts with, ends with, is not empty")
    assert rows["primary_location"].endswith(
        "name a property: line_1, line_2, line_3, line_4, locality, region, postcode, "
        "country_code")
    assert lines[-1] == "tier options: Enterprise, Mid-market, SMB, Legacy (archived)"


def test_show_archived_attribute(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "schema", "show", "--schema", "demo", "people")
    row = next(line for line in out.splitlines() if line.split()[:1] == ["legacy_source"])
    assert status == 0
    assert "(archived)" in row
    assert row.endswith("  archived, so not filterable")


ARCHIVED_DETAIL = """\
objects/people.legacy_source: Legacy source

  type: text
  multi-valued: no
  archived: yes

  This attribute is archived, and archived attributes cannot be filtered.
"""


def test_show_archived_attribute_detail(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "schema", "show", "--schema", "demo", "people", "legacy_source") == (
        0, ARCHIVED_DETAIL, "")


def test_show_attribute_operator_spelling(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "schema", "show", "--schema", "demo", "companies", "domains")
    rows = {line.split()[0]: line for line in out.splitlines()[8:]}
    assert status == 0
    assert rows["(attribute)"].endswith(
        "contains, does not contain, starts with, does not start with, ends with, "
        "does not end with, is not empty, is empty")


def test_show_attribute(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "schema", "show", "--schema", "demo", "companies", "tier") == (
        0, TIER_DETAIL, "")


def test_show_attribute_by_title(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "schema", "show", "--schema", "demo", "deals", "Deal stage")
    assert status == 0
    assert out.splitlines()[0] == "objects/deals.stage: Deal stage"
    assert "  Won 🎉        62f52bf3-14d0-5d9d-9a59-4010384c848e" in out.splitlines()


def test_show_unknown_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "schema", "show", "--schema", "demo", "compnies") == (
        2, "", "attioql schema show: error: The schema has no object or list `compnies`. "
               "(did you mean `companies`?)\n")


def test_show_unknown_attribute(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "schema", "show", "--schema", "demo", "companies", "tierr") == (
        2, "", "attioql schema show: error: `objects/companies` has no attribute `tierr` "
               "(did you mean `tier` or `twitter`?)\n")


def test_show_unknown_attribute_without_close_name(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "schema", "show", "--schema", "demo", "companies", "nope") == (
        2, "", "attioql schema show: error: `objects/companies` has no attribute `nope` "
               "(run `attioql schema show --schema demo companies` to list its attributes)\n")


def test_show_unknown_target_lists_targets(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "schema", "show", "--schema", "demo", "nope") == (
        2, "", "attioql schema show: error: The schema has no object or list `nope`. "
               "(the schema has companies, deals, people, recruiting, sales_pipeline, users, "
               "workspaces)\n")


def test_show_standard_without_members(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "schema", "show")
    assert status == 0
    assert out.endswith("Lists\n  none\n\nMembers\n  not in this schema\n")


# query -------------------------------------------------------------------------------------

QUERY = "companies where tier = smb order by name limit 3"
COMPILED = {"method": "POST", "path": "/v2/objects/companies/records/query",
            "body": {"filter": {"tier": "SMB"},
                     "sorts": [{"direction": "asc", "attribute": "name"}], "limit": 3}}


def test_query_prints_compiled_request(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "query", "--schema", "demo", "--compact", QUERY)
    assert (status, err) == (0, "")
    assert out == json.dumps(COMPILED, separators=(",", ":")) + "\n"


def test_query_reports_compile_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "query", "--schema", "demo", "companies where tierr = smb")
    assert (status, out) == (1, "")
    assert err.splitlines()[0] == "1:17: error: `companies` has no attribute `tierr`."


def test_query_run_prints_json_lines(fake: FakeAttio,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "query", "--schema", "demo", "--run",
                           "--base-url", fake.base_url, QUERY)
    assert (status, err) == (0, "")
    assert [json.loads(line) for line in out.splitlines()] == company_records(3)
    assert [request.body for request in fake.requests] == [COMPILED["body"]]
    assert fake.paths() == [COMPILED["path"]]


def test_query_run_pages(fake: FakeAttio, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "query", "--run", "--page-size", "5",
                         "--base-url", fake.base_url, "companies limit 11 offset 1")
    assert status == 0
    assert [request.body for request in fake.requests] == [
        {"limit": 5, "offset": 1}, {"limit": 5, "offset": 6}, {"limit": 1, "offset": 11}]
    assert len(out.splitlines()) == 11


def test_query_run_table(fake: FakeAttio, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "query", "--schema", "demo", "--run", "--table",
                         "--columns", "name, tier,domains", "--base-url", fake.base_url,
                         QUERY)
    assert status == 0
    assert out == (
        "id                                    name       tier        domains\n"
        "------------------------------------  ---------  ----------  ----------------\n"
        "00000000-0000-4000-8000-000000000000  Company 0  Enterprise  company0.example\n"
        "00000000-0000-4000-8000-000000000001  Company 1  SMB         company1.example\n"
        "00000000-0000-4000-8000-000000000002  Company 2  Enterprise  company2.example\n")


def test_query_run_wrong_token(fake: FakeAttio, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ATTIO_API_KEY", "not-the-token")
    status, out, err = run(capsys, "query", "--run", "--base-url", fake.base_url,
                           "companies limit 1")
    assert (status, out) == (1, "")
    assert err == (
        "attioql query: error: Attio rejected the API token: POST "
        "/v2/objects/companies/records/query returned HTTP 401 (unauthorized: The access "
        "token is invalid or has been revoked.). Check that ATTIO_API_KEY or the token file "
        "holds a current token of this workspace.\n")


@pytest.mark.parametrize(("options", "message"), [
    (["--table"], "--table and --columns need --run"),
    (["--run", "--columns", "name"], "--columns needs --table"),
    (["--run", "--page-size", "0"], "--page-size must be 1 or more, not 0"),
    (["--run", "--timeout", "0"], "--timeout must be more than 0 seconds, not 0"),
])
def test_query_usage_errors(fake: FakeAttio, capsys: pytest.CaptureFixture[str],
                            options: list[str], message: str) -> None:
    status, out, err = run(capsys, "query", *options, "--base-url", fake.base_url,
                           "companies")
    assert (status, out) == (2, "")
    assert err == f"attioql query: error: {message}\n"
    assert fake.requests == []


# End to end --------------------------------------------------------------------------------


def test_pull_show_compile(fake: FakeAttio, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    snapshot = str(tmp_path / "workspace.json")
    status, _, _ = run(capsys, "schema", "pull", "--base-url", fake.base_url, "-o", snapshot)
    assert status == 0

    assert run(capsys, "schema", "show", "--schema", snapshot) == (0, DEMO_OVERVIEW, "")
    assert run(capsys, "schema", "show", "--schema", snapshot, "companies", "tier") == (
        0, TIER_DETAIL, "")

    status, out, err = run(capsys, "compile", "-t", "companies", "--schema", snapshot,
                           "--compact", "tier = smb and owner = tom")
    assert (status, err) == (0, "")
    assert json.loads(out) == {"$and": [
        {"tier": "SMB"},
        {"owner": {"referenced_actor_type": "workspace-member",
                   "referenced_actor_id": "386f2261-c345-5bcd-a1fc-d7b16c64f063"}},
    ]}

    status, out, _ = run(capsys, "query", "--schema", snapshot, "--run", "--base-url",
                         fake.base_url, "companies where tier = legacy limit 2")
    assert status == 0
    assert len(out.splitlines()) == 2
    assert fake.requests[-1].body == {"filter": {"tier": "Legacy"}, "limit": 2}
