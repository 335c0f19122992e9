"""`jazari campaigns ...` and `jazari reports ...`: collective work and community moderation."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from jazari.cli.root import JSON_OPTION, MAX_ID, app, emit, open_node, printable, translated
from jazari.errors import InputError

out = Console(width=None if sys.stdout.isatty() else 200)
METHOD_OPTION = typer.Option("dawid_skene", "--method", "-m", help="majority_vote, wawa, dawid_skene, "
                             "one_coin_dawid_skene, glad or mace (translations: by validation votes).")

campaigns_app = typer.Typer(help="Campaigns: many people label, mark spans, translate and validate.",
                            no_args_is_help=True)
reports_app = typer.Typer(help="Community reports and their moderation.", no_args_is_help=True)
app.add_typer(campaigns_app, name="campaigns")
app.add_typer(reports_app, name="reports")


@campaigns_app.command("create")
@translated
def create(
    spec: Path = typer.Argument(..., help="A YAML or JSON file: title, type, dataset, fields, labels, "
                                "instructions, ... (docs/collective.md)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Create a campaign over a version of one of your institute's datasets."""
    with open_node() as jz:
        result = jz.create_campaign(spec)
    emit(result, as_json, lambda c: out.print(
        f"campaign {c['id']} ({c['type']}) over {c['dataset']}@{c['version']}: {c['items']} items, "
        f"{c['gold_items']} control items, open to {c['contributors']} contributors"))


@campaigns_app.command("list")
@translated
def list_campaigns(
    manage: bool = typer.Option(False, "--manage", help="The campaigns you follow as a steward."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The campaigns you may contribute to, newest first."""
    with open_node() as jz:
        result = jz.campaigns(manage=manage)

    def render(rows: list[dict[str, Any]]) -> None:
        if not rows:
            out.print("no campaign")
            return
        table = Table("id", "title", "type", "dataset", "contributors", "status")
        for c in rows:
            table.add_row(str(c["id"]), c["title"], c["type"], f"{c['dataset']}@{c['version']}", c["contributors"],
                          c["status"])
        out.print(table)

    emit(result, as_json, render)


@campaigns_app.command("status")
@translated
def status(
    campaign_id: int = typer.Argument(..., help="The campaign's id.", min=1, max=MAX_ID),
    as_json: bool = JSON_OPTION,
) -> None:
    """Progress, agreement, label distribution, reliability and spammers (stewards)."""
    with open_node() as jz:
        result = jz.campaign_status(campaign_id)

    def render(s: dict[str, Any]) -> None:
        items = s["items"]
        alpha = s["agreement"]["alpha"]
        out.print(f"campaign {s['id']} {s['title']!r} ({s['type']}, {s['status']}): {s['progress']:.0%} done, "
                  f"{items['decided']} decided, {items['exhausted']} undecided at max overlap, {items['open']} open, "
                  f"{items['hidden']} hidden; {s['answers']} answers; alpha "
                  f"{'n/a' if alpha is None else f'{alpha:.3f}'}")
        if s["distribution"]:
            out.print("answers: " + ", ".join(f"{k} {v}" for k, v in s["distribution"].items()))
        table = Table("contributor", "answers", "gold accuracy", "agreement", "weight", "blocked")
        for p in s["contributors"]:
            table.add_row(p["contributor"], str(p["answers"]),
                          "" if p["gold_accuracy"] is None else f"{p['gold_accuracy']:.0%}",
                          "" if p["agreement"] is None else f"{p['agreement']:.0%}", f"{p['weight']:.2f}",
                          "yes" if p["blocked"] else "")
        out.print(table)
        if s["spammers"]:
            out.print("spammers: " + ", ".join(s["spammers"]))

    emit(result, as_json, render)


@campaigns_app.command("next")
@translated
def next_item(
    campaign_id: int = typer.Argument(..., help="The campaign's id.", min=1, max=MAX_ID),
    as_json: bool = JSON_OPTION,
) -> None:
    """The next item for you to answer."""
    with open_node() as jz:
        result = jz.campaign_next(campaign_id)

    def render(r: dict[str, Any]) -> None:
        if r["item"] is None:
            out.print(r["message"])
            return
        out.print(f"item {r['item']['id']}:")
        for key, value in r["item"]["payload"].items():
            out.print(f"  {key}: {value}", highlight=False)
        if r["labels"]:
            out.print("labels: " + ", ".join(f"[{lab['key']}] {lab['value']}" if lab.get("key") else lab["value"]
                                             for lab in r["labels"]))

    emit(result, as_json, render)


def _value(text: str) -> Any:
    """A label or a translation as given; a JSON list (labels, spans) when it starts with `[`."""
    if text.lstrip().startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not a JSON list: {exc.msg}", field="value", column=exc.colno) from None
    return text


@campaigns_app.command("answer")
@translated
def answer(
    campaign_id: int = typer.Argument(..., help="The campaign's id.", min=1, max=MAX_ID),
    item: int = typer.Argument(..., help="The item's id (from `jazari campaigns next`).", min=1, max=MAX_ID),
    value: str = typer.Argument(..., help='A label, a translation, or a JSON list (["a", "b"], '
                                '[{"start": 0, "end": 4, "label": "place"}]).'),
    answer_id: str = typer.Option(None, "--answer-id", help="Your id for this answer (a retry with the same id "
                                  "counts once) [a new UUID]."),
    credit: str = typer.Option(None, "--credit", help="The name under which you agree to be credited."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Answer an item."""
    with open_node() as jz:
        result = jz.campaign_answer(campaign_id, item, _value(value), answer_id or str(uuid.uuid4()), credit=credit)
    emit(result, as_json, lambda r: out.print(
        f"answer {r['answer_id']} to item {r['item']}" + (" (already recorded)" if r["duplicate"] else " recorded")))


@campaigns_app.command("aggregate")
@translated
def aggregate(
    campaign_id: int = typer.Argument(..., help="The campaign's id.", min=1, max=MAX_ID),
    method: str = METHOD_OPTION,
    limit: int = typer.Option(20, "--limit", help="How many results to show (0 to 1000)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Aggregate the answers into one answer per item, with a confidence (stewards)."""
    with open_node() as jz:
        result = jz.campaign_aggregate(campaign_id, method, limit=limit)

    def render(r: dict[str, Any]) -> None:
        out.print(f"{r['method']}: {r['items']} items from {r['answers']} answers by {r['contributors']} people; "
                  f"mean confidence {r['mean_confidence']}")
        table = Table("item", "answer", "confidence", "answers")
        for row in r["results"]:
            table.add_row(row["item"], json.dumps(row["answer"], ensure_ascii=False) if isinstance(row["answer"], list)
                          else str(row["answer"]), f"{row['confidence']:.3f}", str(row["answers"]))
        out.print(table)

    emit(result, as_json, render)


@campaigns_app.command("publish")
@translated
def publish(
    campaign_id: int = typer.Argument(..., help="The campaign's id.", min=1, max=MAX_ID),
    dataset: str = typer.Option(..., "--dataset", "-d", help="institute/name of the gold data."),
    method: str = METHOD_OPTION,
    answers_dataset: str = typer.Option(None, "--answers-dataset", help="institute/name of the raw answers "
                                        "[<dataset>-answers]."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Publish the gold data as a new version, and the raw answers (pseudonymised) beside it."""
    with open_node() as jz:
        result = jz.campaign_publish(campaign_id, dataset, method, answers_dataset=answers_dataset)
    emit(result, as_json, lambda r: out.print(
        f"{r['dataset']} version {r['version']}: {r['items']} items by {r['method']} from {r['answers']} answers; "
        f"raw answers in {r['answers_dataset']} version {r['answers_version']}; "
        f"{len(r['credits'])} contributors credited by name, {r['anonymous_contributors']} anonymously"))


@reports_app.command("create")
@translated
def create_report(
    kind: str = typer.Argument(..., help="dataset, description, item, image or comment."),
    ref: str = typer.Argument(..., help="institute/name, CAMPAIGN/ITEM for an item or its image, or a "
                             "comment's number."),
    reason: str = typer.Option(..., "--reason", help="personal_data, offensive, wrong, spam, copyright or other."),
    note: str = typer.Option(None, "--note", help="What is wrong (moderators read it)."),
    locale: str = typer.Option(None, "--locale", help="fr, ar or en [your account's]."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Report content; after reports from several people it is hidden until a moderator decides."""
    with open_node() as jz:
        result = jz.report(kind, ref, reason, note=note, locale=locale)
    emit(result, as_json, lambda r: out.print(r["message"], highlight=False))


@reports_app.command("list")
@translated
def list_reports(
    mine: bool = typer.Option(False, "--mine", help="Your own reports and what became of them."),
    include_all: bool = typer.Option(False, "--all", help="Also content already decided."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The moderation queue: reported content you moderate, hidden first."""
    with open_node() as jz:
        result = jz.reports(mine=mine, include_decided=include_all)

    def render(rows: list[dict[str, Any]]) -> None:
        if not rows:
            out.print("no reports")
            return
        if mine:
            table = Table("report", "kind", "content", "reason", "status")
            for r in rows:
                table.add_row(str(r["report"]), r["kind"], r["ref"], r["reason"], r["status"])
        else:
            table = Table("id", "kind", "content", "state", "open reports", "weight", "reasons", "appeal", "what")
            for c in rows:
                reasons = sorted({r["reason"] for r in c["reports"] if r["status"] == "open"})
                what = printable(next((t["text"] or "(deleted)" for t in c.get("texts", [])), ""))
                table.add_row(str(c["id"]), c["kind"], c["ref"], c["state"], str(c["open_reports"]),
                              f"{c['weight']:.2f}", ", ".join(reasons), (c["appeal"] or {}).get("status", ""),
                              Text(what if len(what) <= 80 else what[:79] + "…"))  # no markup: anyone's text
        out.print(table)

    emit(result, as_json, render)


@reports_app.command("decide")
@translated
def decide(
    content_id: int = typer.Argument(..., help="The reported content's id (from `jazari reports list`).",
                                     min=1, max=MAX_ID),
    decision: str = typer.Argument(..., help="restore (the reports are rejected) or remove (they are upheld)."),
    reason: str = typer.Option(..., "--reason", help="Why (the owner reads it)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Restore or remove reported content (moderators: stewards of the owner, administrators)."""
    with open_node() as jz:
        result = jz.moderate(content_id, decision, reason)
    emit(result, as_json, lambda c: out.print(f"{c['kind']} {c['ref']}: {c['state']}"))


@reports_app.command("appeal")
@translated
def appeal(
    content_id: int = typer.Argument(..., help="The removed content's id.", min=1, max=MAX_ID),
    text: str = typer.Option(..., "--text", help="Why the removal is wrong (moderators read it)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Appeal the removal of your content, once."""
    with open_node() as jz:
        result = jz.appeal(content_id, text)
    emit(result, as_json, lambda a: out.print(f"appeal {a['appeal']} on content {a['content']}: {a['status']}"))
