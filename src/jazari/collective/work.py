"""A contributor's work: the next item, and an answer to it.

Assignment with adaptive overlap: `next` gives an item the contributor has not answered, among the
open ones with the most answers (the closest to a decision), picked at random among the first few
of those so that simultaneous contributors spread out. Every item gets `min_overlap` answers; after each
answer the item is decided once its leading answer's posterior reaches the campaign's confidence
(no tie), or retired undecided (`exhausted`) at `max_overlap`. Hidden control (gold) items come at
`gold_rate`; a contributor whose accuracy on them falls below `gold_min_accuracy` after
`gold_min_answers` is blocked: no more items, and their answers count for nothing (the items they
helped decide are decided again without them, and reopen while they have a free slot).

What the database guarantees (so that concurrent and retried submissions are safe): one answer per
item and contributor, one per client answer id and contributor (a retry returns the first answer),
and one per slot of an item; the slot is taken by a conditional update of the item's counter that
fails once `max_overlap` answers are in. A contributor never receives another's answer, a control
item's truth, or whether an answer was right.
"""

from __future__ import annotations

import random
import re
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jazari.collective import aggregate
from jazari.collective.campaigns import CampaignService, weight_of
from jazari.collective.models import Answer, Campaign, Contributor, Item
from jazari.collective.spec import answer_key, check_answer
from jazari.errors import Conflict, Forbidden, InputError, NotFound
from jazari.governance.actors import Actor
from jazari.governance.audit import record
from jazari.store.database import utcnow

ANSWER_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
SPREAD = 16  # simultaneous contributors pick among this many of the closest items
MAX_SKIP = 100


def blocked_message(campaign: Campaign) -> str:
    return (f"your answers to the control items of campaign {campaign.id} are below "
            f"{campaign.gold_min_accuracy:.0%}: you no longer receive its items")


class Work:
    """`next` and `answer` for contributors."""

    def __init__(self, campaigns: CampaignService) -> None:
        self.campaigns = campaigns
        self.db = campaigns.db

    def next(self, actor: Actor, campaign_id: int, skip: list[int] | None = None) -> dict[str, Any]:
        """An item for the actor to answer (`item` is None when there is none left for them)."""
        skip = list(skip or [])
        if len(skip) > MAX_SKIP or not all(isinstance(i, int) and 1 <= i <= 2**31 - 1 for i in skip):
            raise InputError(f"skip lists at most {MAX_SKIP} item ids", field="skip")
        with self.db.session() as session:
            campaign = self._open(session, actor, campaign_id)
            mine = self._join(session, actor, campaign)
            rng = random.Random(f"{campaign.id}:{actor.name}:{mine.answers}:{len(skip)}")
            want_gold = campaign.gold_rate > 0 and rng.random() < campaign.gold_rate
            item = self._pick(session, actor, campaign, skip, rng, gold=False)
            if want_gold and item is not None:  # never a control item alone: it would stand out
                item = self._pick(session, actor, campaign, skip, rng, gold=True) or item
            labels = campaign.config.get("labels", [])
            if item is None:
                return {"campaign": campaign.id, "item": None, "answered": mine.answers, "labels": labels,
                        "message": "no item left for you in this campaign: thank you"}
            return {"campaign": campaign.id, "type": campaign.type, "item": {"id": item.id, "payload": item.payload},
                    "answered": mine.answers, "labels": labels}

    def _open(self, session: Session, actor: Actor, campaign_id: int) -> Campaign:
        return self._require_open(self.campaigns.find(session, actor, campaign_id, "contribute"))

    @staticmethod
    def _require_open(campaign: Campaign) -> Campaign:
        if campaign.status != "open":
            raise Conflict(f"campaign {campaign.id} is {campaign.status}", hint="its stewards may open it again")
        return campaign

    def _join(self, session: Session, actor: Actor, campaign: Campaign) -> Contributor:
        """The actor's standing in the campaign, created (and audited: they now read its items) at the first
        call; a blocked contributor is refused."""
        mine = self._standing(session, campaign.id, actor.name)
        if mine is None:
            try:
                with session.begin_nested():
                    mine = Contributor(campaign_id=campaign.id, contributor=actor.name, answers=0, gold_answers=0,
                                       gold_correct=0)
                    session.add(mine)
                    session.flush()
                record(session, actor.name, "campaign.join", campaign.dataset, version=campaign.version,
                       client=actor.client, details={"campaign": campaign.id, "via": actor.via})
            except IntegrityError:  # joined at the same time from another request
                mine = self._standing(session, campaign.id, actor.name)
                assert mine is not None
        if mine.blocked_at is not None:
            raise Forbidden(blocked_message(campaign))
        return mine

    @staticmethod
    def _standing(session: Session, campaign_id: int, who: str) -> Contributor | None:
        return session.scalar(select(Contributor).where(Contributor.campaign_id == campaign_id,
                                                        Contributor.contributor == who))

    @staticmethod
    def _pick(session: Session, actor: Actor, campaign: Campaign, skip: list[int], rng: random.Random, *,
              gold: bool) -> Item | None:
        answered = exists().where(Answer.item_id == Item.id, Answer.contributor == actor.name)
        query = select(Item).where(Item.campaign_id == campaign.id, Item.state == "open",
                                   Item.is_gold.is_(gold), ~answered)
        if skip:
            query = query.where(Item.id.not_in(skip))
        if not gold:
            query = query.where(Item.answers < campaign.max_overlap).order_by(Item.answers.desc(), Item.id)
        else:
            query = query.order_by(Item.id)
        candidates = session.scalars(query.limit(SPREAD)).all()
        closest = [c for c in candidates if c.answers == candidates[0].answers] if candidates else []
        return rng.choice(closest) if closest else None

    def answer(self, actor: Actor, campaign_id: int, item_id: int, value: Any, answer_id: str, *,
               seconds: float | None = None, credit: str | None = None) -> dict[str, Any]:
        """Record an answer; the same `answer_id` again returns the first answer (`duplicate`)."""
        if not isinstance(answer_id, str) or not ANSWER_ID.match(answer_id):
            raise InputError("answer_id must be 1 to 100 letters, digits or . _ : - (a UUID is fine)",
                             field="answer_id")
        if seconds is not None and not 0 <= seconds <= 86_400:
            raise InputError("seconds must be between 0 and 86400", field="seconds")
        if credit is not None and (not credit.strip() or len(credit) > 300 or "\x00" in credit):
            raise InputError("credit is the name to show (1 to 300 characters, no NUL)", field="credit")
        with self.db.session() as session:
            campaign = self.campaigns.find(session, actor, campaign_id, "contribute")
            item = session.get(Item, item_id)
            if item is None or item.campaign_id != campaign.id or item.state == "hidden":
                raise NotFound(f"campaign {campaign.id} has no item {item_id}", field="item")
            canonical = check_answer(campaign.type, campaign.config, item.payload, value)
            earlier = self._earlier(session, actor, answer_id)
            if earlier is not None:  # a retry is told its answer counted, even if the campaign closed since
                return self._replay(earlier, item, canonical, answer_id)
            self._require_open(campaign)
            mine = self._join(session, actor, campaign)
            mine_here = session.scalar(select(Answer).where(Answer.item_id == item.id, Answer.contributor == actor.name))
            if mine_here is not None:  # a retry that raced its first try is a replay too
                if mine_here.client_id == answer_id:
                    return self._replay(mine_here, item, canonical, answer_id)
                raise Conflict(f"you already answered item {item.id}", hint="take the next one")
            try:
                with session.begin_nested():
                    slot = self._take_slot(session, campaign, item)
                    session.add(Answer(campaign_id=campaign.id, item_id=item.id, contributor=actor.name,
                                       client_id=answer_id, slot=slot, value=canonical, seconds=seconds))
                    session.flush()
            except IntegrityError:  # a concurrent twin (a retry, or the same person twice) got there first
                earlier = self._earlier(session, actor, answer_id)
                if earlier is not None:
                    return self._replay(earlier, item, canonical, answer_id)
                raise Conflict(f"you already answered item {item.id}", hint="take the next one") from None
            answered = self._count(session, campaign, mine, item, canonical, credit)
            if not item.is_gold:
                self._decide(session, campaign, item.id)
        return {"campaign": campaign.id, "item": item.id, "answer_id": answer_id, "accepted": True,
                "duplicate": False, "answered": answered}

    @staticmethod
    def _earlier(session: Session, actor: Actor, answer_id: str) -> Answer | None:
        return session.scalar(select(Answer).where(Answer.contributor == actor.name, Answer.client_id == answer_id))

    @staticmethod
    def _replay(earlier: Answer, item: Item, canonical: Any, answer_id: str) -> dict[str, Any]:
        if earlier.item_id != item.id or answer_key(earlier.value) != answer_key(canonical):
            raise Conflict(f"answer id {answer_id!r} was already used for another answer",
                           hint="choose a new id for each new answer (a retry keeps its id)", field="answer_id")
        return {"campaign": earlier.campaign_id, "item": item.id, "answer_id": answer_id, "accepted": True,
                "duplicate": True}

    @staticmethod
    def _take_slot(session: Session, campaign: Campaign, item: Item) -> int:
        """The item's next slot, by a conditional update (the write also serialises answers to one item);
        a decided, retired or hidden item has none (a control item is always open)."""
        room = Item.is_gold.is_(True) | (Item.answers < campaign.max_overlap)
        slot = session.scalar(
            update(Item).where(Item.id == item.id, Item.state == "open", room)
            .values(answers=Item.answers + 1).returning(Item.answers)
        )
        if slot is None:
            raise Conflict(f"item {item.id} has all the answers it needs", hint="take the next one")
        return int(slot)

    @staticmethod
    def _count(session: Session, campaign: Campaign, mine: Contributor, item: Item, value: Any,
               credit: str | None) -> int:
        """Count the answer in the contributor's standing; a control answer may block them."""
        correct = item.is_gold and aggregate.is_correct(
            campaign.type, value, item.gold, str(item.payload.get(campaign.config.get("text_field") or "") or ""))
        changes: dict[str, Any] = {"answers": Contributor.answers + 1}
        if item.is_gold:
            changes.update(gold_answers=Contributor.gold_answers + 1,
                           gold_correct=Contributor.gold_correct + int(correct))
        if credit is not None:
            changes["credit_name"] = credit.strip()
        answers, gold_answers, gold_correct = session.execute(
            update(Contributor).where(Contributor.id == mine.id).values(**changes)
            .returning(Contributor.answers, Contributor.gold_answers, Contributor.gold_correct)
        ).one()
        if (item.is_gold and gold_answers >= campaign.gold_min_answers
                and gold_correct / gold_answers < campaign.gold_min_accuracy):
            blocked = session.execute(update(Contributor).where(Contributor.id == mine.id,
                                                                Contributor.blocked_at.is_(None))
                                      .values(blocked_at=utcnow()))
            if blocked.rowcount:  # type: ignore[attr-defined]
                record(session, "jazari", "campaign.block", campaign.dataset, version=campaign.version,
                       details={"campaign": campaign.id, "contributor": mine.contributor,
                                "gold_answers": gold_answers, "gold_correct": gold_correct})
                # their answers now count for nothing: the items they helped decide are decided again
                for retired in session.scalars(select(Answer.item_id).join(Item, Item.id == Answer.item_id).where(
                        Answer.campaign_id == campaign.id, Answer.contributor == mine.contributor,
                        Item.is_gold.is_(False), Item.state.in_(("decided", "exhausted")))).all():
                    Work._decide(session, campaign, retired)
        return int(answers)

    @staticmethod
    def _decide(session: Session, campaign: Campaign, item_id: int) -> None:
        """Decide, keep open or retire the item after an answer (under the item's row lock)."""
        rows = session.execute(
            select(Answer.value, Contributor).join(
                Contributor, (Contributor.campaign_id == Answer.campaign_id)
                & (Contributor.contributor == Answer.contributor), isouter=True)
            .where(Answer.item_id == item_id)
        ).all()
        counted = [(answer_key(v), weight_of(c)) for v, c in rows if weight_of(c) > 0]  # not the blocked
        top, p, tie = aggregate.posterior(counted)
        if top is not None and len(counted) >= campaign.min_overlap and p >= campaign.confidence and not tie:
            state = "decided"
        elif len(rows) >= campaign.max_overlap:  # every slot is taken
            state = "exhausted"
        else:
            state = "open"
        session.execute(update(Item).where(Item.id == item_id, Item.state != "hidden")
                        .values(state=state, decided_at=utcnow() if state != "open" else None))
