"""`jazari campaigns ...` and `jazari reports ...` through the CLI runner, acting `--as` each person:
the whole path from a campaign file to published gold data, moderation, and clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.collective.conftest import KARIM, OMAR, PUBLIC, YOUSSEF, prepare, spec


@pytest.fixture
def run(cli_home, tmp_path: Path):
    return cli_home(lambda jz: prepare(jz, tmp_path))


def test_a_campaign_from_file_to_gold_data(run, tmp_path: Path) -> None:
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(spec(min_overlap=2, max_overlap=2), allow_unicode=True), encoding="utf-8")
    made = run("--as", KARIM, "campaigns", "create", str(path))
    assert "campaign 1 (classify) over hcp/fans@1: 8 items, 4 control items, open to public" in made.output
    assert "Fans' needs" in run("--as", PUBLIC[0], "campaigns", "list").output
    answered_items = []
    for email in PUBLIC[:2]:
        for _ in range(8):
            shown = json.loads(run("--as", email, "campaigns", "next", "1", "--json").output)
            if shown["item"] is None:
                break
            item = str(shown["item"]["id"])
            answered = run("--as", email, "campaigns", "answer", "1", item, "tickets", "--answer-id", f"cli-{item}",
                           "--credit", email.split("@")[0])
            assert f"answer cli-{item} to item {item} recorded" in answered.output
            answered_items.append(item)
    first = answered_items[0]
    again = run("--as", PUBLIC[0], "campaigns", "answer", "1", first, "tickets", "--answer-id", f"cli-{first}")
    assert "(already recorded)" in again.output
    twice = run("--as", PUBLIC[0], "campaigns", "answer", "1", first, "safety", "--answer-id", "new", code=1)
    assert "you already answered item" in twice.output
    assert "no item left for you" in run("--as", PUBLIC[0], "campaigns", "next", "1").output
    status = run("--as", KARIM, "campaigns", "status", "1").output
    assert "100% done" in status and "tickets 16" in status
    refused = run("--as", YOUSSEF, "campaigns", "status", "1", code=1)
    assert "Error:" in refused.output
    aggregated = run("--as", KARIM, "campaigns", "aggregate", "1", "--method", "wawa").output
    assert "wawa: 8 items from 16 answers by 2 people" in aggregated
    bad = run("--as", KARIM, "campaigns", "aggregate", "1", "--method", "average", code=1)
    assert "unknown aggregation method 'average'" in bad.output and "majority_vote" in bad.output
    published = run("--as", KARIM, "campaigns", "publish", "1", "--dataset", "hcp/fans-gold").output
    assert "hcp/fans-gold version 1: 8 items by dawid_skene from 16 answers" in published
    assert "2 contributors credited by name" in published
    assert "tickets" in run("--as", KARIM, "rows", "hcp/fans-gold").output


def test_a_bad_campaign_file_names_the_problem(run, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("title: [unclosed\n", encoding="utf-8")
    failed = run("--as", KARIM, "campaigns", "create", str(path), code=1)
    assert "bad.yaml" in failed.output and "line" in failed.output
    path.write_text(yaml.safe_dump(spec(min_overlap=9, max_overlap=2)), encoding="utf-8")
    failed = run("--as", KARIM, "campaigns", "create", str(path), code=1)
    assert "max_overlap" in failed.output
    assert "cannot read" in run("--as", KARIM, "campaigns", "create", str(tmp_path / "none.yaml"), code=1).output


def test_reports_and_moderation(run) -> None:
    assert "bloqué automatiquement" in run("--as", PUBLIC[3], "reports", "create", "dataset", "hcp/fans",
                                           "--reason", "spam").output
    for email in PUBLIC[:2]:
        said = run("--as", email, "reports", "create", "dataset", "hcp/fans", "--reason", "offensive",
                   "--locale", "en").output
        assert "blocked automatically after several people report it" in said
    gone = run("--as", PUBLIC[2], "reports", "create", "dataset", "hcp/fans", "--reason", "spam", code=1)
    assert "no dataset hcp/fans" in gone.output  # hidden now: those outside hcp no longer see it
    assert "Error:" in run("--as", PUBLIC[4], "reports", "create", "dataset", "hcp/fans", "--reason", "meh",
                           code=1).output
    queue = run("--as", KARIM, "reports", "list").output
    assert "hcp/fans" in queue and "hidden" in queue
    assert "no reports" in run("--as", OMAR, "reports", "list").output
    assert "Error:" in run("--as", OMAR, "reports", "decide", "1", "remove", "--reason", "x", code=1).output
    assert "dataset hcp/fans: removed" in run("--as", KARIM, "reports", "decide", "1", "remove", "--reason",
                                             "insults").output
    assert "appeal 1 on content 1: open" in run("--as", YOUSSEF, "reports", "appeal", "1", "--text",
                                                 "a study of insults").output
    assert "once" in run("--as", YOUSSEF, "reports", "appeal", "1", "--text", "again", code=1).output
    mine = run("--as", PUBLIC[0], "reports", "list", "--mine").output
    assert "upheld" in mine
