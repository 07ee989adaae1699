"""The command line: output, exit status and help."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from attioql.cli import main

DESIGN = "last_calendar_interaction.interacted_at >= 2023-11-01 and owner = tom"
NOW = "2024-01-17T15:30:00Z"


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = main(list(arguments))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_compile_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "compile", "-t", "companies", "--schema", "demo", DESIGN)
    assert status == 0
    assert err == ""
    assert json.loads(out) == {"$and": [
        {"last_calendar_interaction": {"interacted_at": {"$gte": "2023-11-01T00:00:00.000Z"}}},
        {"owner": {"referenced_actor_type": "workspace-member",
                   "referenced_actor_id": "386f2261-c345-5bcd-a1fc-d7b16c64f063"}},
    ]}


def test_compile_compact(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "compile", "-t", "companies", "--schema", "demo", "--compact",
                         "tier = smb")
    assert (status, out) == (0, '{"tier":"SMB"}\n')


def test_compile_reads_stdin(capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("created_at = this week\n"))
    status, out, _ = run(capsys, "compile", "-t", "people", "--now", NOW, "--compact", "-")
    assert status == 0
    assert out == ('{"created_at":{"$gte":"2024-01-15T00:00:00.000Z",'
                   '"$lt":"2024-01-22T00:00:00.000Z"}}\n')


def test_compile_options(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "compile", "-t", "deals", "--schema", "demo", "--me", "priya",
                         "--timezone", "America/New_York", "--compact",
                         "owner = me and created_at >= 2024-01-10")
    assert status == 0
    assert out == ('{"$and":[{"owner":{"referenced_actor_type":"workspace-member",'
                   '"referenced_actor_id":"dfb642fc-e8a4-5201-9b94-4270b8e4cc46"}},'
                   '{"created_at":{"$gte":"2024-01-10T05:00:00.000Z"}}]}\n')


def test_rejected_expression_exits_1_with_caret(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "compile", "-t", "companies", "--schema", "demo", "nmae = x")
    assert (status, out) == (1, "")
    assert err == ("1:1: error: `companies` has no attribute `nmae`.\n"
                   "  nmae = x\n  ^^^^\n  hint: did you mean `name`?\n")


def test_warnings_go_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "compile", "-t", "deals", "--schema", "demo", "--compact",
                           "owner = sam")
    assert status == 0
    assert out.startswith('{"owner"')
    assert err.startswith("1:9: warning: Sam Reed (sam@example.com) is a suspended member.")


@pytest.mark.parametrize("arguments", [
    ["compile", "-t", "nope", "x = 1"],
    ["compile", "-t", "companies", "--timezone", "Nowhere/City", "x = 1"],
    ["compile", "-t", "companies", "--now", "yesterday", "x = 1"],
    ["compile", "-t", "companies", "--now", "2024-01-01T00:00", "x = 1"],
    ["compile", "-t", "companies", "--schema", "/no/such/file.json", "x = 1"],
])
def test_bad_options_exit_2(capsys: pytest.CaptureFixture[str], arguments: list[str]) -> None:
    status, out, err = run(capsys, *arguments)
    assert status == 2
    assert out == ""
    assert err.startswith("attioql compile: error: ")


def test_missing_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["compile", "tier = smb"])
    assert caught.value.code == 2


def test_check_lists_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", "-t", "companies", "--schema", "demo",
                         "tier = legacy and nmae = x")
    assert status == 1
    assert out.count("error:") == 1
    assert out.count("warning:") == 1


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", "-t", "companies", "--schema", "demo", "--json",
                         "fit_score = 9")
    assert status == 1
    (diagnostic,) = json.loads(out)
    assert diagnostic == {"code": "value.invalid_rating", "severity": "error",
                          "message": "`fit_score` is a rating, a whole number from 0 to 5, so "
                                     "`9` is out of range.",
                          "hint": "write a whole number from 0 to 5", "span": [12, 13],
                          "line": 1, "column": 13}


def test_check_clean_expression(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", "-t", "companies", "--schema", "demo", "tier = smb")
    assert status == 0
    assert out.startswith("ok")


@pytest.mark.parametrize("command", ["compile", "check"])
def test_help_shows_an_example(command: str) -> None:
    result = subprocess.run([sys.executable, "-m", "attioql", command, "--help"],
                            capture_output=True, text=True, check=True)
    assert "examples:" in result.stdout
    assert f"attioql {command} -t" in result.stdout


def test_console_script_runs_the_design_example() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "attioql", "compile", "-t", "companies", "--schema", "demo",
         "--compact", DESIGN], capture_output=True, text=True, check=True)
    assert result.stdout.startswith('{"$and":[{"last_calendar_interaction"')
