"""Campaigns: created by a steward over a version of one of their institute's datasets (its items are
snapshots of the rows' shown fields), listed to those who may contribute, and followed by their
stewards (progress, agreement, label distribution, reliability, spammers).

Who may do what is asked of `governance.access.can_on_campaign`; a campaign never opens a dataset
wider than its own level: its contributors must be among those who may read the version.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from jazari.collective import aggregate
from jazari.collective.aggregate import Vote
from jazari.collective.models import CAMPAIGN_STATUSES, Answer, Campaign, Contributor, Item
from jazari.collective.spec import CampaignSpec, check_answer
from jazari.datasets.export import jsonable
from jazari.datasets.models import Dataset, Version
from jazari.datasets.service import DatasetService
from jazari.errors import Forbidden, InputError, NotFound
from jazari.governance.access import Capped, Guarded, can_on_campaign, version_guard
from jazari.governance.actors import Actor
from jazari.governance.audit import record
from jazari.governance.models import Institute
from jazari.store.database import Database

# who may contribute, by the widest level that lets them read the version
AUDIENCES = {"public": ("public", "network", "institute"), "network": ("network", "institute"),
             "institute": ("institute",), "restricted": ()}
WIDTH = {"institute": 0, "network": 1, "public": 2}
MAX_KEY = 200


def shuffle_key(key: str) -> str:
    """The order items are stored in: a hash of their key, so control items are not told apart by id."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def weight_of(stats: Contributor | None) -> float:
    """How much a contributor's answers count: 0 once blocked; else their accuracy on control items,
    smoothed (a newcomer counts 1, a perfect record approaches 2)."""
    if stats is None:
        return 1.0
    if stats.blocked_at is not None:
        return 0.0
    return 2 * (stats.gold_correct + 1) / (stats.gold_answers + 2)


def accuracy_of(stats: Contributor | None) -> float | None:
    """A contributor's estimated accuracy for the live decision (`aggregate.posterior`); None once blocked."""
    if stats is None:
        return aggregate.accuracy(0, 0)
    if stats.blocked_at is not None:
        return None
    return aggregate.accuracy(stats.gold_answers, stats.gold_correct)


def campaign_source(session: Session, campaign: Campaign) -> Guarded:
    """The campaign's dataset version as access is decided on it now (hidden by moderation, its level
    changed, its privacy status); a dataset gone is left to its institute's stewards."""
    institute, _, name = campaign.dataset.partition("/")
    found = session.execute(
        select(Dataset, Version.privacy).join(Institute, Institute.id == Dataset.institute_id)
        .join(Version, (Version.dataset_id == Dataset.id) & (Version.number == campaign.version))
        .where(Institute.slug == institute, Dataset.name == name)
    ).first()
    if found is None:
        return Capped(campaign.dataset, "restricted", True, True)
    return version_guard(found[0], (found[1] or {}).get("status"))


def campaign_dict(campaign: Campaign) -> dict[str, Any]:
    """A campaign as a contributor sees it: the task, never an answer or a control item's truth."""
    config = campaign.config
    return {
        "id": campaign.id, "title": campaign.title, "type": campaign.type, "institute": campaign.institute,
        "dataset": campaign.dataset, "version": campaign.version, "contributors": campaign.contributors,
        "status": campaign.status, "fields": config.get("fields", []),
        "text_field": config.get("text_field"), "source_field": config.get("source_field"),
        "proposed_field": config.get("proposed_field"), "media_field": config.get("media_field"),
        "source_lang": config.get("source_lang"), "target_lang": config.get("target_lang"),
        "labels": config.get("labels", []), "instructions": config.get("instructions", {}),
        "examples": config.get("examples", []), "created_at": campaign.created_at.isoformat(),
    }


class CampaignService:
    """Create, list, show and follow campaigns."""

    def __init__(self, db: Database, datasets: DatasetService) -> None:
        self.db = db
        self.datasets = datasets

    def find(self, session: Session, actor: Actor, campaign_id: int, action: str) -> Campaign:
        """The campaign, if the actor may `action` it (one who may not see it is told it does not exist)."""
        campaign = session.get(Campaign, campaign_id)
        source = campaign_source(session, campaign) if campaign is not None else None
        if campaign is None or not can_on_campaign(actor, "see", campaign, source):
            raise NotFound(f"no campaign {campaign_id}", hint="`jazari campaigns list`", field="campaign")
        if not can_on_campaign(actor, action, campaign, source):
            hint = "a read-only token cannot" if "write" not in actor.scopes else None
            raise Forbidden(f"{actor.name} may not {action} campaign {campaign_id}", hint=hint)
        return campaign

    # creating ------------------------------------------------------------------------------
    def create(self, actor: Actor, data: dict[str, Any] | CampaignSpec) -> dict[str, Any]:
        """A new campaign and its items (the owner's stewards; the read of the rows is audited)."""
        spec = data if isinstance(data, CampaignSpec) else CampaignSpec.from_dict(data)
        if spec.source_campaign is not None:
            return self._create_validation(actor, spec)
        dataset = self.datasets._find(actor, spec.dataset, "manage")
        needed = [c for c in dict.fromkeys([*spec.shown(), spec.key_field]) if c]
        if not needed:
            raise InputError("fields must name the columns to show", field="fields")
        version, data_set = self.datasets.scan(actor, dataset.ref, spec.version, audit_action="campaign.create")
        level = version_guard(dataset, (version.privacy or {}).get("status")).access_level
        if spec.contributors not in AUDIENCES[level]:
            raise Forbidden(
                f"{dataset.ref} version {version.number} is readable at the {level} level: a campaign open to "
                f"{spec.contributors} contributors would show its rows to people who may not read them",
                hint="open the campaign to " + (" or ".join(AUDIENCES[level]) or "nobody: restricted data"),
            )
        if spec.media_field and (version.reader_options or {}).get("format") != "images":
            raise InputError(f"media_field: {dataset.ref} version {version.number} is a table, not a file dataset "
                             "of images", field="media_field",
                             hint="ingest a ZIP or a folder of images (`jazari ingest photos.zip --dataset ...`)")
        missing = [c for c in needed if c not in data_set.schema.names]
        if missing:
            raise InputError(f"{dataset.ref} version {version.number} has no column {missing[0]!r}",
                             hint="columns: " + ", ".join(data_set.schema.names), field="fields")
        table = data_set.head(spec.max_items + 1, columns=needed)
        if table.num_rows > spec.max_items:
            raise InputError(f"the version has more than {spec.max_items} rows", hint="raise max_items",
                             field="max_items")
        items = self._items(spec, table.to_pylist())
        return self._insert(actor, spec, dataset.ref, version.number, items)

    def _items(self, spec: CampaignSpec, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        config = spec.config()
        items: dict[str, dict[str, Any]] = {}
        for i, row in enumerate(rows, start=1):
            key = str(i) if spec.key_field is None else row.get(spec.key_field)
            if key is None or str(key).strip() == "" or len(str(key)) > MAX_KEY:
                raise InputError(f"row {i}: the key column {spec.key_field!r} is empty or longer than {MAX_KEY}",
                                 row=i, field="key_field")
            key = str(key)
            if key in items:
                raise InputError(f"row {i}: key {key!r} is there twice", hint="key_field must be unique",
                                 row=i, field="key_field")
            payload = {c: jsonable(row[c]) for c in spec.shown()}
            truth = spec.gold.get(key)
            gold = None if truth is None else self._gold(spec, config, payload, truth, key)
            items[key] = {"key": key, "payload": payload, "gold": gold, "is_gold": gold is not None}
        unknown = sorted(set(spec.gold) - set(items))
        if unknown:
            raise InputError(f"gold names item {unknown[0]!r}, which is not in the dataset", field="gold")
        return list(items.values())

    @staticmethod
    def _gold(spec: CampaignSpec, config: dict[str, Any], payload: dict[str, Any], truth: Any, key: str) -> Any:
        try:
            if spec.type == "translate":
                accepted = truth if isinstance(truth, list) else [truth]
                return [check_answer("translate", config, payload, t) for t in accepted]
            if spec.type == "multilabel" and isinstance(truth, str):
                truth = [t for t in truth.split("|") if t]
            return check_answer(spec.type, config, payload, truth)
        except InputError as exc:
            raise InputError(f"gold of item {key!r}: {exc.message}", field="gold") from None

    def _insert(self, actor: Actor, spec: CampaignSpec, ref: str, version: int, items: list[dict[str, Any]],
                source: int | None = None) -> dict[str, Any]:
        if not [i for i in items if not i["is_gold"]]:
            raise InputError("the campaign has no item to answer (every row is a control item)", field="gold")
        with self.db.session() as session:
            campaign = Campaign(
                institute=ref.split("/", 1)[0], dataset=ref, version=version, title=spec.title, type=spec.type,
                contributors=spec.contributors, status="open", config=spec.config(),
                min_overlap=spec.min_overlap, max_overlap=spec.max_overlap, confidence=spec.confidence,
                gold_rate=spec.gold_rate, gold_min_answers=spec.gold_min_answers,
                gold_min_accuracy=spec.gold_min_accuracy, source_campaign_id=source, created_by=actor.name,
            )
            session.add(campaign)
            session.flush()
            rows = [{**i, "campaign_id": campaign.id, "state": "open", "answers": 0}
                    for i in sorted(items, key=lambda i: shuffle_key(i["key"]))]
            for start in range(0, len(rows), 5000):
                session.execute(insert(Item), rows[start:start + 5000])
            gold = sum(i["is_gold"] for i in items)
            record(session, actor.name, "campaign.create", ref, version=version, client=actor.client,
                   details={"campaign": campaign.id, "type": spec.type, "items": len(items) - gold, "gold": gold,
                            "contributors": spec.contributors})
            result = campaign_dict(campaign)
        return {**result, "items": len(items) - gold, "gold_items": gold}

    def _create_validation(self, actor: Actor, spec: CampaignSpec) -> dict[str, Any]:
        """A validate campaign over the translations a translate campaign received: one item per distinct
        translation of an item (the source text and the proposal)."""
        with self.db.session() as session:
            source = self.find(session, actor, spec.source_campaign or 0, "manage")
            if source.type != "translate":
                raise InputError(f"campaign {source.id} is a {source.type} campaign: only translations are validated "
                                 "this way", field="source_campaign")
            if WIDTH[spec.contributors] > WIDTH[source.contributors]:
                raise Forbidden(f"campaign {source.id} shows its rows to {source.contributors} contributors: its "
                                f"validation cannot be open to {spec.contributors} ones", field="contributors")
            rows = session.execute(
                select(Item.key, Item.payload, Answer.value).join(Answer, Answer.item_id == Item.id)
                .where(Item.campaign_id == source.id, Item.is_gold.is_(False), Item.state != "hidden")
                .order_by(Item.key, Answer.id)
            ).all()
            ref, version, src_field = source.dataset, source.version, source.config.get("source_field")
        candidates: dict[tuple[str, str], dict[str, Any]] = {}
        for key, payload, value in rows:
            candidates.setdefault((key, value), {"payload": payload})
        items = []
        for n, ((key, text), found) in enumerate(sorted(candidates.items()), start=1):
            payload = {**found["payload"], "proposed": text, "source_item": key}
            items.append({"key": f"{key}~{n}", "payload": payload, "gold": None, "is_gold": False})
        if not items:
            raise InputError(f"campaign {spec.source_campaign} has no translation to validate yet",
                             field="source_campaign")
        spec.fields = list(dict.fromkeys([*spec.fields, *([src_field] if src_field else []), "proposed"]))
        spec.proposed_field = "proposed"
        return self._insert(actor, spec, ref, version, items, source=spec.source_campaign)

    # reading -------------------------------------------------------------------------------
    def list(self, actor: Actor, *, manage: bool = False) -> list[dict[str, Any]]:
        """The campaigns the actor may contribute to (or, with `manage`, review), newest first."""
        action = "review" if manage else "see"
        with self.db.session() as session:
            campaigns = session.scalars(select(Campaign).order_by(Campaign.id.desc())).all()
            return [campaign_dict(c) for c in campaigns
                    if can_on_campaign(actor, action, c) and can_on_campaign(actor, action, c, campaign_source(session, c))]

    def get(self, actor: Actor, campaign_id: int) -> dict[str, Any]:
        """A campaign as a contributor sees it, with their own progress."""
        with self.db.session() as session:
            campaign = self.find(session, actor, campaign_id, "see")
            mine = session.scalar(select(Contributor).where(Contributor.campaign_id == campaign.id,
                                                            Contributor.contributor == actor.name))
            result = campaign_dict(campaign)
        result["you"] = {"answered": mine.answers if mine else 0,
                         "receiving_items": mine is None or mine.blocked_at is None}
        return result

    def set_status(self, actor: Actor, campaign_id: int, status: str) -> dict[str, Any]:
        """Open, pause or close a campaign (its stewards)."""
        if status not in CAMPAIGN_STATUSES:
            raise InputError(f"status must be one of {', '.join(CAMPAIGN_STATUSES)}", field="status")
        with self.db.session() as session:
            campaign = self.find(session, actor, campaign_id, "manage")
            if campaign.status != status:
                record(session, actor.name, "campaign.status", campaign.dataset, client=actor.client,
                       details={"campaign": campaign.id, "from": campaign.status, "to": status})
                campaign.status = status
            return campaign_dict(campaign)

    def votes(self, session: Session, campaign: Campaign) -> tuple[list[Vote], dict[str, float], dict[str, Any]]:
        """The answers to a campaign's ordinary items by contributors not blocked, the weights of the
        contributors, and each item's payload."""
        weights = {c.contributor: weight_of(c) for c in session.scalars(
            select(Contributor).where(Contributor.campaign_id == campaign.id))}
        rows = session.execute(
            select(Item.key, Answer.contributor, Answer.value)
            .join(Answer, Answer.item_id == Item.id)
            .where(Item.campaign_id == campaign.id, Item.is_gold.is_(False), Item.state != "hidden")
        ).all()
        payloads = dict(session.execute(select(Item.key, Item.payload).where(
            Item.campaign_id == campaign.id, Item.is_gold.is_(False), Item.state != "hidden")).all())
        votes = sorted((Vote(k, w, v) for k, w, v in rows if weights.get(w, 1.0) > 0),
                       key=lambda v: (v.item, v.contributor))
        return votes, weights, payloads

    def status(self, actor: Actor, campaign_id: int) -> dict[str, Any]:
        """Progress, agreement (overall and per label), label distribution, contributors' reliability
        and the spammers (the owner's stewards)."""
        with self.db.session() as session:
            campaign = self.find(session, actor, campaign_id, "review")
            states = dict(session.execute(
                select(Item.state, func.count()).where(Item.campaign_id == campaign.id, Item.is_gold.is_(False))
                .group_by(Item.state)).all())
            gold_items = session.scalar(select(func.count()).where(Item.campaign_id == campaign.id,
                                                                   Item.is_gold.is_(True)))
            people = session.scalars(select(Contributor).where(Contributor.campaign_id == campaign.id)
                                     .order_by(Contributor.contributor)).all()
            votes, weights, payloads = self.votes(session, campaign)
            result = campaign_dict(campaign)
        labels = [lab["value"] for lab in campaign.config.get("labels", [])]
        texts = item_texts(campaign, payloads)
        triples = aggregate.units(campaign.type, votes, labels, texts)
        unit_values = aggregate.vote_units(triples, "majority_vote", weights) if campaign.type != "translate" else {
            item: (o.answer, o.confidence) for item, o in aggregate.choose_translations(votes, {}).items()}
        reliable = aggregate.reliability(triples, unit_values)
        total = sum(states.values())
        distribution = Counter(v for _u, _w, v in triples)
        result.update(
            items={"total": total, **{s: states.get(s, 0) for s in ("open", "decided", "exhausted", "hidden")}},
            gold_items=gold_items, answers=len(votes),
            progress=round((states.get("decided", 0) + states.get("exhausted", 0)) / total, 4) if total else 0.0,
            agreement={"alpha": aggregate.alpha(triples),
                       "per_label": {lab: aggregate.alpha(triples, only=lab) for lab in labels}},
            distribution=dict(sorted(distribution.items())),
            contributors=[_person(p, reliable.get(p.contributor)) for p in people],
            spammers=sorted({p.contributor for p in people if p.blocked_at is not None}
                            | {w for w, r in reliable.items() if r["spammer"]}),
            overlap={"min": campaign.min_overlap, "max": campaign.max_overlap, "confidence": campaign.confidence},
            gold={"rate": campaign.gold_rate, "min_answers": campaign.gold_min_answers,
                  "min_accuracy": campaign.gold_min_accuracy},
        )
        return result


def item_texts(campaign: Campaign, payloads: dict[str, Any]) -> dict[str, str]:
    """The text of each item a spans campaign marks."""
    name = campaign.config.get("text_field") or ""
    return {key: str(p.get(name) or "") for key, p in payloads.items()} if campaign.type == "spans" else {}


def _person(stats: Contributor, reliable: dict[str, Any] | None) -> dict[str, Any]:
    accuracy = round(stats.gold_correct / stats.gold_answers, 4) if stats.gold_answers else None
    return {"contributor": stats.contributor, "answers": stats.answers, "gold_answers": stats.gold_answers,
            "gold_accuracy": accuracy, "blocked": stats.blocked_at is not None, "weight": round(weight_of(stats), 4),
            "agreement": (reliable or {}).get("agreement"), "credited": stats.credit_name is not None}

