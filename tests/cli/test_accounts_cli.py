"""Accounts on the command line: the first administrator, users, institutes, members, tokens, and
commands acting as a named user with exactly that user's rights."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.files import communes_csv

PASSWORD = "correct horse battery"


def test_init_creates_the_first_administrator_once(run) -> None:
    out = run("init", "--admin", "root@jazari.ma", "--json")
    admin = json.loads(out.output)["admin"]
    assert admin["email"] == "root@jazari.ma" and len(admin["password"]) >= 16
    again = json.loads(run("init", "--admin", "root@jazari.ma", "--json").output)
    assert again["admin"]["password"] is None  # idempotent: not printed a second time
    refused = run("init", "--admin", "other@jazari.ma", code=1)
    assert "an administrator exists already" in refused.output


def test_init_reads_the_password_from_stdin(run) -> None:
    run("init", "--admin", "root@jazari.ma", "--password-stdin", stdin=PASSWORD + "\n")
    run("--as", "root@jazari.ma", "users", "list")  # the account works
    short = run("users", "add", "x@y.ma", "--name", "X", "--password-stdin", stdin="short\n", code=1)
    assert "field 'password'" in short.output and "at least 10 characters" in short.output


def test_a_steward_runs_their_institute_from_the_command_line(run, tmp_path: Path) -> None:
    run("institutes", "add", "hcp", "--name-fr", "Haut-Commissariat au Plan", "--name-ar", "المندوبية السامية للتخطيط",
        "--region", "04", "--kind", "public_body")
    institutes = json.loads(run("institutes", "list", "--json").output)
    assert institutes[0]["region_name"] == "Rabat-Salé-Kénitra" and institutes[0]["names"]["ar"]
    for email in ("karim@hcp.ma", "amina@hcp.ma", "omar@dgsn.ma"):
        run("users", "add", email, "--name", email.split("@")[0].title(), "--password-stdin", stdin=PASSWORD + "\n")
    run("members", "add", "hcp", "karim@hcp.ma", "--role", "steward")
    run("members", "add", "hcp", "amina@hcp.ma")
    run("ingest", str(communes_csv(tmp_path / "c.csv")), "--dataset", "hcp/c")

    members = json.loads(run("--as", "karim@hcp.ma", "members", "list", "hcp", "--json").output)
    assert {m["email"]: m["role"] for m in members} == {"amina@hcp.ma": "viewer", "karim@hcp.ma": "steward"}
    denied = run("--as", "karim@hcp.ma", "members", "add", "hcp", "omar@dgsn.ma", "--role", "admin", code=1)
    assert "may not manage the members of hcp" in denied.output

    run("--as", "karim@hcp.ma", "datasets", "edit", "hcp/c", "--access", "restricted")
    assert "may not read hcp/c" in run("--as", "amina@hcp.ma", "rows", "hcp/c", code=1).output
    assert "Tanger" in run("--as", "karim@hcp.ma", "rows", "hcp/c").output
    assert "hcp/c" in run("--as", "omar@dgsn.ma", "datasets").output  # listed: he can ask for it
    assert "may not manage hcp/c" in run("--as", "omar@dgsn.ma", "datasets", "edit", "hcp/c", "--access",
                                         "public", code=1).output
    assert "no user ghost@x.ma" in run("--as", "ghost@x.ma", "datasets", code=1).output
    users = json.loads(run("users", "list", "--json").output)
    assert [u["email"] for u in users] == ["amina@hcp.ma", "karim@hcp.ma", "omar@dgsn.ma"]
    assert "may not list users" in run("--as", "karim@hcp.ma", "users", "list", code=1).output


def test_tokens_from_the_command_line(run, monkeypatch: pytest.MonkeyPatch) -> None:
    run("users", "add", "karim@hcp.ma", "--name", "Karim", "--password-stdin", stdin=PASSWORD + "\n")
    monkeypatch.setenv("JAZARI_USER", "karim@hcp.ma")
    created = json.loads(run("tokens", "create", "etl", "--scope", "read", "--scope", "write", "--days", "7",
                             "--json").output)
    assert created["secret"].startswith("jzt_") and created["scopes"] == ["read", "write"]
    listed = json.loads(run("tokens", "list", "--json").output)
    assert [t["name"] for t in listed] == ["etl"] and "secret" not in listed[0]
    assert created["secret"] not in run("tokens", "list").output
    assert json.loads(run("tokens", "revoke", str(created["id"]), "--json").output)["state"] == "revoked"
    assert "scopes must be among" in run("tokens", "create", "x", "--scope", "admin", code=1).output
    monkeypatch.delenv("JAZARI_USER")
    assert "only a user account can hold tokens" in run("tokens", "create", "x", code=1).output


def test_disable_a_user(run) -> None:
    run("users", "add", "amina@hcp.ma", "--name", "Amina", "--password-stdin", stdin=PASSWORD + "\n")
    assert json.loads(run("users", "disable", "amina@hcp.ma", "--json").output)["active"] is False
    assert "is disabled" in run("--as", "amina@hcp.ma", "datasets", code=1).output


@pytest.mark.parametrize("args", [("tokens", "revoke", "100000000000000000000"),
                                  ("access", "approve", "100000000000000000000"),
                                  ("rows", "hcp/c", "--version", "100000000000000000000"),
                                  ("diff", "hcp/c", "1", "100000000000000000000")])
def test_huge_ids_are_refused_with_a_message_not_a_traceback(run, args: tuple[str, ...]) -> None:
    out = run(*args, code=2)
    assert "Invalid value" in out.output and "Traceback" not in out.output
