"""`jazari comments list|post|delete` through the CLI runner, acting `--as` each person: a thread
with a reply, the JSON twin equal to the service's result, clear refusals, and a reported comment's
text in `jazari reports list`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.collective.conftest import KARIM, OMAR, PUBLIC, prepare


@pytest.fixture
def run(cli_home, tmp_path: Path):
    return cli_home(lambda jz: prepare(jz, tmp_path))


def test_post_list_and_delete(run) -> None:
    posted = run("--as", PUBLIC[0], "comments", "post", "hcp/fans", "La colonne truth est vide")
    assert "comment 1 posted under hcp/fans" in posted.output
    run("--as", KARIM, "comments", "post", "hcp/fans", "C'est voulu : seules 4 lignes de contrôle", "--reply-to", "1")
    shown = run("comments", "list", "hcp/fans").output
    lines = [line for line in shown.splitlines() if line.strip()]
    assert lines[0].startswith("#1 Fan0") and lines[0].endswith("La colonne truth est vide")
    assert lines[1].startswith("    #2 Karim") and "seules 4 lignes" in lines[1]
    as_json = json.loads(run("comments", "list", "hcp/fans", "--json").output)
    with run.node() as jz:
        assert as_json == jz.comments("hcp/fans")
    refused = run("--as", PUBLIC[1], "comments", "delete", "hcp/fans", "1", code=1)
    assert "may not delete" in refused.output
    assert "comment 1 deleted" in run("--as", PUBLIC[0], "comments", "delete", "hcp/fans", "1").output
    assert "#1 (deleted)" in run("comments", "list", "hcp/fans").output


def test_bad_input_and_refusals_are_one_clear_line(run) -> None:
    empty = run("--as", PUBLIC[0], "comments", "post", "hcp/fans", "   ", code=1)
    assert "body is required" in empty.output
    nul = run("--as", PUBLIC[0], "comments", "post", "hcp/fans", "a\x01b" + "x" * 5000, code=1)
    assert "at most 5000" in nul.output
    assert "no dataset hcp/nothing" in run("comments", "list", "hcp/nothing", code=1).output
    assert "no comment 7 under hcp/fans to reply to" in run(
        "--as", PUBLIC[0], "comments", "post", "hcp/fans", "?", "--reply-to", "7", code=1).output
    assert "no comment under hcp/fans" in run("--as", OMAR, "comments", "list", "hcp/fans").output


def test_a_reported_comment_shows_its_text_in_the_queue(run) -> None:
    run("--as", PUBLIC[0], "comments", "post", "hcp/fans", "Des insultes")
    for email in PUBLIC[1:4]:
        run("--as", email, "reports", "create", "comment", "1", "--reason", "offensive")
    queue = run("--as", KARIM, "reports", "list").output
    assert "comment" in queue and "hidden" in queue and "Des insultes" in queue


def test_a_comment_cannot_drive_the_terminal_or_break_the_listing(run) -> None:
    # a comment is anyone's text: rich markup in it is shown as written, terminal escapes are not sent
    body = "[/x] [bold]gras[/bold] \x1b]52;c;ZXZpbA==\x1b\\ \x1b[2J fin"
    run("--as", PUBLIC[0], "comments", "post", "hcp/fans", body)
    listed = run("comments", "list", "hcp/fans").output
    assert "[/x] [bold]gras[/bold]" in listed and "fin" in listed and "\x1b" not in listed
    for email in PUBLIC[1:4]:
        run("--as", email, "reports", "create", "comment", "1", "--reason", "offensive")
    queue = run("--as", KARIM, "reports", "list").output
    assert "[/x]" in queue and "\x1b" not in queue


def test_the_examples_of_the_docs_run(run) -> None:
    """docs/collective.md's commands of the discussion, as written."""
    import re
    import shlex

    doc = (Path(__file__).parents[2] / "docs" / "collective.md").read_text(encoding="utf-8")
    section = doc[doc.index("## The discussion under a dataset"):]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    lines = [shlex.split(line.replace("fan@mail.ma", PUBLIC[0]), comments=True)  # the tests' fan
             for line in block.group(1).splitlines()]
    assert len(lines) == 4
    outputs = [run(*words[1:]).output for words in lines if words and words[0] == "jazari"]
    assert "C'est voulu" in outputs[2] and "comment 1 deleted" in outputs[3]
