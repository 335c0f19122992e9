"""Aggregating a campaign and publishing its gold data.

`aggregate` runs one method over the answers of contributors who are not blocked (control items
aside). `publish` writes the outcome as a new version of a dataset through the ordinary ingest (a
Parquet file: item key, answer, confidence, answers, method), its lineage naming the campaign, the
method and the counts; the raw answers, contributors pseudonymised with the institute's key, become
a dataset of their own; the contributors who agreed to be named are credited for the data card.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select

from jazari.collective import aggregate
from jazari.collective.aggregate import Outcome
from jazari.collective.campaigns import CampaignService, campaign_source, item_texts, weight_of
from jazari.collective.models import Answer, Campaign, Contributor, Item, Publication
from jazari.datasets.names import parse_ref
from jazari.errors import InputError
from jazari.governance.actors import Actor
from jazari.governance.audit import record
from jazari.privacy.operators import pseudonymize

Ingest = Callable[..., dict[str, Any]]  # (actor, ref, path, *, title, source_name, origin) -> summary
MAX_SHOWN = 1000


def _cell(kind: str, answer: Any) -> str:
    """An answer as one text cell: a label or a translation as is, labels joined by |, spans as JSON."""
    if kind == "multilabel":
        return "|".join(answer)
    if kind == "spans":
        return json.dumps(answer, ensure_ascii=False)
    return str(answer)


class Results:
    """Aggregate and publish campaigns."""

    def __init__(self, campaigns: CampaignService, ingest: Ingest, tmp_dir: Path,
                 pseudonym_key: Callable[[str], bytes]) -> None:
        self.campaigns = campaigns
        self.db = campaigns.db
        self.ingest = ingest
        self.tmp_dir = tmp_dir
        self.pseudonym_key = pseudonym_key

    def outcomes(self, actor: Actor, campaign_id: int, method: str, action: str = "review"
                 ) -> tuple[Campaign, dict[str, Outcome], dict[str, Any]]:
        """Each item's aggregated answer by `method` (translations: by validation votes), and counts."""
        aggregate.check_method(method)
        with self.db.session() as session:
            campaign = self.campaigns.find(session, actor, campaign_id, action)
            votes, weights, payloads = self.campaigns.votes(session, campaign)
            validation = self._validation(session, campaign) if campaign.type == "translate" else {}
            if action == "review" and campaign_source(session, campaign).access_level != "public":
                record(session, actor.name, "campaign.aggregate", campaign.dataset, version=campaign.version,
                       client=actor.client, details={"campaign": campaign.id, "method": method})
        labels = [lab["value"] for lab in campaign.config.get("labels", [])]
        counts: dict[str, int] = defaultdict(int)
        for vote in votes:
            counts[vote.item] += 1
        if campaign.type == "translate":
            outcomes = aggregate.choose_translations(votes, validation)
            used = "validation_votes" if validation else "exact_match"
        else:
            texts = item_texts(campaign, payloads)
            triples = aggregate.units(campaign.type, votes, labels, texts)
            outcomes = aggregate.assemble(campaign.type, aggregate.vote_units(triples, method, weights), counts,
                                          labels, texts)
            used = method
        info = {"method": used, "items": len(outcomes), "answers": len(votes),
                "contributors": len({v.contributor for v in votes}),
                "excluded_contributors": sorted(w for w, x in weights.items() if x == 0)}
        return campaign, dict(sorted(outcomes.items())), info

    def _validation(self, session: Any, campaign: Campaign) -> dict[tuple[str, str], tuple[float, float]]:
        """Accept and reject weights per (item, translation) from the validate campaigns over this one."""
        votes: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
        for validator in session.scalars(select(Campaign).where(Campaign.source_campaign_id == campaign.id)):
            weights = {c.contributor: weight_of(c) for c in session.scalars(
                select(Contributor).where(Contributor.campaign_id == validator.id))}
            rows = session.execute(select(Item.payload, Answer.contributor, Answer.value)
                                   .join(Answer, Answer.item_id == Item.id)
                                   .where(Item.campaign_id == validator.id, Item.state != "hidden")).all()
            for payload, who, value in rows:
                key = (str(payload.get("source_item")), str(payload.get("proposed")))
                votes[key][0 if value == "accept" else 1] += weights.get(who, 1.0)
        return {k: (v[0], v[1]) for k, v in votes.items()}

    def aggregate(self, actor: Actor, campaign_id: int, method: str = "dawid_skene", *,
                  limit: int = 100) -> dict[str, Any]:
        """The aggregated answers (the first `limit`) with confidence and counts (the owner's stewards)."""
        if not 0 <= limit <= MAX_SHOWN:
            raise InputError(f"limit must be between 0 and {MAX_SHOWN}", field="limit")
        campaign, outcomes, info = self.outcomes(actor, campaign_id, method)
        confident = [o.confidence for o in outcomes.values()]
        shown = [{"item": key, "answer": o.answer, "confidence": o.confidence, "answers": o.answers}
                 for key, o in list(outcomes.items())[:limit]]
        return {"campaign": campaign.id, **info,
                "mean_confidence": round(sum(confident) / len(confident), 6) if confident else None,
                "results": shown}

    def publish(self, actor: Actor, campaign_id: int, dataset: str, method: str = "dawid_skene", *,
                answers_dataset: str | None = None, title: str | None = None) -> dict[str, Any]:
        """Write the gold data as a new version of `dataset`, the raw answers (pseudonymised) as
        `answers_dataset` (default `<dataset>-answers`), and record the credits."""
        parse_ref(dataset)
        answers_ref = answers_dataset or f"{dataset}-answers"
        parse_ref(answers_ref)
        campaign, outcomes, info = self.outcomes(actor, campaign_id, method, action="manage")
        if not outcomes:
            raise InputError(f"campaign {campaign.id} has no answer to publish yet", field="campaign")
        origin = {"campaign": campaign.id, "title": campaign.title, "type": campaign.type,
                  "source": {"dataset": campaign.dataset, "version": campaign.version}, **info}
        gold = pa.table({
            "item_key": pa.array(list(outcomes), pa.string()),
            "answer": pa.array([_cell(campaign.type, o.answer) for o in outcomes.values()], pa.string()),
            "confidence": pa.array([o.confidence for o in outcomes.values()], pa.float64()),
            "answers": pa.array([o.answers for o in outcomes.values()], pa.int64()),
            "method": pa.array([info["method"]] * len(outcomes), pa.string()),
        })
        published = self._write(actor, dataset, gold, f"campaign-{campaign.id}-{info['method']}.parquet",
                                 title or f"{campaign.title} (gold)", origin)
        raw = self._raw_answers(campaign, parse_ref(answers_ref)[0])
        raw_published = self._write(actor, answers_ref, raw, f"campaign-{campaign.id}-answers.parquet",
                                    f"{campaign.title} (answers)", {**origin, "raw_answers": True})
        with self.db.session() as session:
            credits, anonymous = self._credits(session, campaign)
            session.add(Publication(campaign_id=campaign.id, dataset=dataset, version=published["version"],
                                    answers_dataset=answers_ref, method=info["method"],
                                    counts={k: info[k] for k in ("items", "answers", "contributors")},
                                    credits=credits, actor=actor.name))
            record(session, actor.name, "campaign.publish", dataset, version=published["version"], client=actor.client,
                   details={"campaign": campaign.id, "method": info["method"], "items": info["items"],
                            "answers": info["answers"], "answers_dataset": answers_ref})
        return {"campaign": campaign.id, "dataset": dataset, "version": published["version"],
                "answers_dataset": answers_ref, "answers_version": raw_published["version"], **info,
                "credits": credits, "anonymous_contributors": anonymous}

    def _write(self, actor: Actor, ref: str, table: pa.Table, source_name: str, title: str,
               origin: dict[str, Any]) -> dict[str, Any]:
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        path = self.tmp_dir / f"campaign-{uuid.uuid4().hex}.parquet"
        try:
            pq.write_table(table, path)
            return self.ingest(actor, ref, path, title=title, source_name=source_name, origin=origin)
        finally:
            path.unlink(missing_ok=True)

    def _raw_answers(self, campaign: Campaign, institute: str) -> pa.Table:
        """Every answer to an ordinary item moderation did not hide, its contributor replaced by a keyed
        pseudonym."""
        with self.db.session() as session:
            rows = session.execute(
                select(Item.key, Answer.contributor, Answer.value, Answer.seconds, Answer.created_at)
                .join(Answer, Answer.item_id == Item.id)
                .where(Item.campaign_id == campaign.id, Item.is_gold.is_(False), Item.state != "hidden")
                .order_by(Item.key, Answer.id)
            ).all()
        contributors = pa.array([r[1] for r in rows], pa.string())
        return pa.table({
            "item_key": pa.array([r[0] for r in rows], pa.string()),
            "contributor": pseudonymize(contributors, self.pseudonym_key(institute)),
            "answer": pa.array([_cell(campaign.type, r[2]) for r in rows], pa.string()),
            "seconds": pa.array([r[3] for r in rows], pa.float64()),
            "answered_at": pa.array([r[4] for r in rows], pa.timestamp("us", tz="UTC")),
        })

    @staticmethod
    def _credits(session: Any, campaign: Campaign) -> tuple[list[dict[str, Any]], int]:
        """The named contributors (with their consent) and their answer counts; how many others."""
        people = session.scalars(select(Contributor).where(Contributor.campaign_id == campaign.id,
                                                           Contributor.answers > 0)).all()
        named = sorted(((p.credit_name, p.answers) for p in people if p.credit_name and p.blocked_at is None),
                       key=lambda x: (-x[1], x[0]))
        return [{"name": n, "answers": a} for n, a in named], len(people) - len(named)

    def publications(self, actor: Actor, campaign_id: int) -> list[dict[str, Any]]:
        """The versions made from a campaign, with their credits (for data cards)."""
        with self.db.session() as session:
            campaign = self.campaigns.find(session, actor, campaign_id, "see")
            rows = session.scalars(select(Publication).where(Publication.campaign_id == campaign.id)
                                   .order_by(Publication.id)).all()
            return [{"dataset": p.dataset, "version": p.version, "answers_dataset": p.answers_dataset,
                     "method": p.method, "counts": p.counts, "credits": p.credits,
                     "created_at": p.created_at.isoformat()} for p in rows]
