"""The REPL: its session commands, a run through prompt_toolkit's pipe input, and one real
terminal run under tmux."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.buffer import CompletionState
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from attioql import repl
from attioql.cli import main

NOW = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)


def _session(target: str = "companies") -> repl.Session:
    return repl.Session.open("demo", target, NOW, "UTC", "tom")


def test_compile_prints_json() -> None:
    output = _session().handle("tier = smb")
    assert json.loads(output) == {"tier": "SMB"}


def test_error_prints_caret_and_hint() -> None:
    output = _session().handle("tier = sm")
    assert output == ("error: `tier` has no option `sm`.\n  tier = sm\n         ^^\n"
                      "  hint: did you mean `SMB`?")


def test_warning_comes_before_json() -> None:
    output = _session().handle("owner = sam").splitlines()
    assert output[0] == "warning: Sam Reed (sam@example.com) is a suspended member."
    assert output[-1] == "}"


def test_target_command() -> None:
    session = _session()
    assert session.handle(":target deals") == "target: objects/deals"
    assert session.prompt == "deals> "
    assert session.handle(":target nope").startswith(
        "error: The schema has no object or list `nope`.")
    assert session.prompt == "deals> "


def test_schema_command_keeps_a_known_target() -> None:
    session = repl.Session.open("demo", "companies", NOW, "UTC")
    assert session.handle(":schema standard") == "schema: standard; target: objects/companies"
    assert session.handle(":schema /no/such/file.json").startswith(
        "error: No workspace snapshot at '/no/such/file.json'")


def test_attrs_lists_and_describes() -> None:
    session = _session("deals")
    listing = session.handle(":attrs").splitlines()
    assert listing[0].split() == ["record_id", "text"]
    assert session.handle(":attrs stage") == (
        "stage: status (Deal stage)\n"
        "  A status, by title (any case) or id.\n"
        "  operators: =, !=, in, not in\n"
        "  properties: active_from\n"
        "    .active_from: >, >=, <, <=, between, not between\n"
        '  values: Lead, "In Progress", "Won 🎉", Lost')
    assert session.handle(":attrs nope") == (
        "`deals` has no attribute `nope` that can be filtered.")


def test_json_and_query_use_the_last_filter() -> None:
    session = _session()
    assert session.handle(":json") == ("error: There is no filter yet. "
                                       "(hint: type a filter and press Enter first)")
    session.handle("tier = smb")
    assert session.handle(":json") == '{"tier":"SMB"}'
    assert json.loads(session.handle(":query")) == {
        "method": "POST", "path": "/v2/objects/companies/records/query",
        "body": {"filter": {"tier": "SMB"}}}


def test_explain_or_a_clear_message() -> None:
    import attioql

    session = _session()
    session.handle("tier = smb")
    output = session.handle(":explain")
    if hasattr(attioql, "explain"):
        assert output == attioql.explain("tier = smb", target="objects/companies",
                                         schema=session.schema, now=NOW, timezone="UTC",
                                         current_member="tom")
    else:
        assert output == "This version of attioql has no explain()."


def test_clock_commands() -> None:
    session = _session()
    assert session.handle(":now 2024-03-01T00:00:00Z") == "now: 2024-03-01T00:00:00+00:00"
    assert json.loads(session.handle("created_at = today")) == {"created_at": {
        "$gte": "2024-03-01T00:00:00.000Z", "$lt": "2024-03-02T00:00:00.000Z"}}
    assert session.handle(":now yesterday").startswith("error: :now 'yesterday' is not")
    assert session.handle(":tz Mars/Olympus") == (
        "error: `Mars/Olympus` is not a known time zone. (hint: use an IANA name such as "
        "`Europe/London` or `UTC`)")
    assert session.handle(":tz Europe/London") == "time zone: Europe/London"
    assert session.handle(":me ann.smith@example.com") == (
        "me: Ann Smith (ann.smith@example.com)")
    assert "65e72e32" in session.handle("owner = me")


def test_me_rejects_an_unknown_member() -> None:
    session = _session()
    assert session.handle(":me bob") == ("error: No workspace member matches `bob`. "
                                         "(hint: write a member's name, email or id)")
    assert session.current_member == "tom"
    assert session.handle(":me") == "me: Tom Lee (tom@example.com)"


def test_me_rejects_an_ambiguous_member() -> None:
    session = _session()
    assert session.handle(":me ann") == (
        "error: `ann` matches 2 members: Ann Smith (ann.smith@example.com) and Ann Jones "
        "(ann.jones@example.com). (hint: write the member's email or full name)")
    assert session.current_member == "tom"


def test_me_accepts_a_suspended_member_with_a_warning() -> None:
    session = _session()
    assert session.handle(":me sam") == ("me: Sam Reed (sam@example.com)\n"
                                         "warning: Sam Reed (sam@example.com) is a suspended "
                                         "member.")
    assert session.current_member == "sam"


def test_schema_change_warns_when_me_no_longer_resolves() -> None:
    session = _session()
    assert session.handle(":schema standard") == (
        "schema: standard; target: objects/companies\n"
        "warning: The schema has no workspace members, so `tom` cannot be resolved to one. "
        "`me` stays 'tom' until you set it with :me.")
    assert session.handle(":me tom").startswith("error: The schema has no workspace members")
    assert session.current_member == "tom"


def test_schema_without_targets_is_rejected(tmp_path: Path) -> None:
    snapshot = tmp_path / "empty.json"
    snapshot.write_text("{}", "utf-8")
    session = _session()
    assert session.handle(f":schema {snapshot}") == (
        f"error: The schema {str(snapshot)!r} has no object or list with attributes, so "
        "nothing could be filtered; the schema stays demo.")
    assert session.handle(":schema") == "schema: demo"


def test_bad_options_keep_the_old_values() -> None:
    session = _session()
    outputs = [session.handle(command) for command in (
        ":tz Mars/Olympus", ":now yesterday", ":target nope", ":schema /no/such/file.json",
        ":me nobody")]
    assert [output.startswith("error: ") for output in outputs] == [True] * 5
    assert (session.timezone, session.now, session.target, session.schema.name,
            session.current_member) == ("UTC", NOW, "companies", "demo", "tom")


def test_help_and_unknown_command() -> None:
    session = _session()
    assert session.handle(":help").startswith("Type a filter and press Enter")
    assert session.handle(":frobnicate") == "Unknown command `:frobnicate`; type :help for the list."
    with pytest.raises(repl.QuitRequest):
        session.handle(":quit")


def _run_piped(keys: str, history: Path | None = None) -> list[str]:
    written: list[str] = []
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        status = repl.run(_session(), history, written.append)
    assert status == 0
    return written


def test_pipe_input_compiles_and_quits() -> None:
    written = _run_piped("tier = smb\r:json\r:quit\r")
    assert written[1:] == [json.dumps({"tier": "SMB"}, indent=2), '{"tier":"SMB"}']


def test_pipe_input_multi_line() -> None:
    written = _run_piped("(tier = smb and\rname = a)\r:quit\r")
    assert json.loads(written[1]) == {"$and": [{"tier": "SMB"}, {"name": {"$eq": "a"}}]}


def test_pipe_input_tab_completes() -> None:
    written = _run_piped("tier = Mid\t\r:quit\r")
    assert json.loads(written[1]) == {"tier": "Mid-market"}


def test_pipe_input_tab_replaces_the_whole_word() -> None:
    written = _run_piped("tier = smb\x1b[D\t\r:quit\r")
    assert json.loads(written[1]) == {"tier": "SMB"}


def _in_prompt(text: str, cursor: int, check: Callable[[Any, list[Any]], None]) -> None:
    """Build the prompt with ``text`` in its buffer and run ``check(buffer, items)``.

    It runs inside an event loop, because changing the buffer starts prompt_toolkit's
    background completion and validation tasks.
    """
    async def scenario() -> None:
        prompt = repl.build_prompt(_session(), None)
        buffer = prompt.default_buffer
        buffer.document = Document(text, cursor)
        check(buffer, list(prompt.completer.get_completions(buffer.document, None)))

    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        asyncio.run(scenario())


def test_menu_item_replaces_the_token_at_the_cursor() -> None:
    def check(buffer: Any, items: list[Any]) -> None:
        assert items[0].text == "record_id"
        buffer.apply_completion(items[0])
        assert (buffer.text, buffer.cursor_position) == ("record_id = smb", 9)

    _in_prompt("tier = smb", 0, check)


def test_menu_preview_replaces_the_token_at_the_cursor() -> None:
    def check(buffer: Any, items: list[Any]) -> None:
        buffer.complete_state = CompletionState(buffer.document, items)
        buffer.go_to_completion(1)
        assert buffer.text == 'owner = "Tom Lee"'
        buffer.go_to_completion(None)
        assert buffer.text == "owner = tom"

    _in_prompt("owner = tom", 8, check)


def test_pipe_input_history_file(tmp_path: Path) -> None:
    history = tmp_path / "nested" / "history"
    _run_piped("tier = smb\r\x04", history)
    assert "+tier = smb" in history.read_text("utf-8")


def test_cli_rejects_a_bad_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["repl", "--schema", "demo", "-t", "nope", "--no-history"]) == 2
    assert capsys.readouterr().err.startswith(
        "attioql repl: error: The schema has no object or list `nope`.")


def test_cli_rejects_an_unknown_me(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["repl", "--schema", "demo", "--me", "bob", "--no-history"]) == 2
    assert capsys.readouterr().err == (
        "attioql repl: error: No workspace member matches `bob`. (write a member's name, "
        "email or id)\n")


def _tmux(*args: str) -> str:
    completed = subprocess.run(["tmux", *args], capture_output=True, text=True, check=True)
    return completed.stdout


def _wait_for(session: str, text: str) -> str:
    screen = ""
    for _ in range(100):
        screen = _tmux("capture-pane", "-t", session, "-p")
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared on the screen:\n{screen}")


def test_real_terminal_under_tmux(tmp_path: Path) -> None:
    assert shutil.which("tmux"), "tmux is not installed; install it with apt-get install tmux"
    name = f"attioql-test-{tmp_path.name}"
    command = (f"{Path(sys.executable).with_name('attioql')} repl --schema demo -t companies "
               f"--now 2024-01-17T15:30:00Z --history {tmp_path / 'history'}")
    _tmux("new-session", "-d", "-s", name, "-x", "100", "-y", "20", command)
    try:
        _wait_for(name, "companies>")
        _tmux("send-keys", "-t", name, "fit_score >= ")
        _wait_for(name, "expected a value such as a number")
        _tmux("send-keys", "-t", name, "4", "Enter")
        screen = _wait_for(name, '"$gte": 4')
        assert '"fit_score": {' in screen
        _tmux("send-keys", "-t", name, ":quit", "Enter")
        for _ in range(50):
            if name not in subprocess.run(["tmux", "ls"], capture_output=True,
                                          text=True).stdout:
                break
            time.sleep(0.1)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
