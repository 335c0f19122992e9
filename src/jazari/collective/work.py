"""A contributor's work: the next item, and an answer to it.

Assignment with adaptive overlap: `next` gives an item the contributor has not answered, among the
open ones with the most answers (the closest to a decision), picked at random among the first few
of those so that simultaneous contributors spread out. Every item gets `min_overlap` answers; after each
answer the item is decided once its leading answer's posterior (`aggregate.posterior`: a one-coin
model, each answer counting by its author's accuracy on control items) reaches the campaign's
confidence (no tie), or retired undecided (`exhausted`) at `max_overlap`. Hidden control (gold)
items come at about `gold_rate` (`aggregate.gold_chance`: more often until a contributor can be
judged); a contributor whose control answers credibly show an accuracy below `gold_min_accuracy`
(`aggregate.blocks`, from `gold_min_answers` on) is blocked: no more items, and their answers count
for nothing (the items they helped decide are decided again without them, and reopen while they
have a free slot).

What the database guarantees (so that concurrent and retried submissions are safe): one answer per
item and contributor, one per client answer id and contributor (a retry returns the first answer),
and one per slot of an item; the slot is taken by a conditional update of the item's counter that
fails once `max_overlap` answers are in. A contributor never receives another's answer, a control
item's truth, or whether an answer was right.

The lean path (contributors call `next` and `answer` all day, benchmarks/collective.py): SQL
statements built once (SQLAlchemy Core, no ORM session or objects, no identity map), run in one
transaction on a pooled connection. An answer is one SELECT that reads the campaign, its dataset version as access is
decided on it now, the item, the contributor's standing and any earlier answer of theirs (by answer
id and by item); then the slot (UPDATE ... RETURNING), the answer (INSERT ... ON CONFLICT DO NOTHING
RETURNING: a concurrent twin makes the whole transaction roll back, then the twin's answer is
replayed), the contributor's counters (UPDATE ... RETURNING) and the decision (one SELECT, and an
UPDATE only when the item's state changes). Access is decided at every call by
`governance.access.can_on_campaign`, as `CampaignService.find` does.
"""

from __future__ import annotations

import contextlib
import random
import re
from collections.abc import Iterator
from functools import cache
from typing import Any, cast

from sqlalchemy import Row, and_, bindparam, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from jazari.collective import aggregate
from jazari.collective.campaigns import CampaignService, accuracy_of
from jazari.collective.models import Answer, Campaign, Contributor, Item
from jazari.collective.spec import answer_key, check_answer
from jazari.datasets.models import Dataset, Version
from jazari.errors import Conflict, Forbidden, InputError, NotFound, StorageError
from jazari.governance.access import Capped, Guarded, can_on_campaign, version_guard
from jazari.governance.actors import Actor
from jazari.governance.audit import record
from jazari.governance.models import Institute
from jazari.store.database import utcnow

ANSWER_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
SPREAD = 16  # simultaneous contributors pick among this many of the closest items
MAX_SKIP = 100
REFS = 1024  # campaigns whose dataset's name is remembered (a campaign's dataset never changes)

CAMPAIGNS, ITEMS, ANSWERS = Campaign.__table__, Item.__table__, Answer.__table__
PEOPLE = Contributor.__table__
DATASETS, VERSIONS, INSTITUTES = Dataset.__table__, Version.__table__, Institute.__table__
EARLIER, HERE = ANSWERS.alias("earlier"), ANSWERS.alias("here")


def blocked_message(campaign: Any) -> str:
    return (f"your answers to the control items of campaign {campaign.id} are below "
            f"{campaign.gold_min_accuracy:.0%}: you no longer receive its items")


def _standing_of(row: Row[Any]) -> Contributor | None:
    """A row with the contributors table's columns, as the pure functions read a Contributor (by
    attribute); None when there is no standing (the outer join found none)."""
    return cast(Contributor, row) if row.contributor is not None else None


def _campaign_query() -> tuple[list[Any], Any]:
    """The columns and joins of the campaign (its columns), its dataset version as access is decided on
    it now (`src_`; joined by the remembered institute `inst` and name `dname`, and only while the
    campaign's dataset is still `ref`) and the actor's standing (`p_`; `who`)."""
    source = (DATASETS.join(INSTITUTES, INSTITUTES.c.id == DATASETS.c.institute_id)
              .join(VERSIONS, VERSIONS.c.dataset_id == DATASETS.c.id))
    joined = (CAMPAIGNS
              .outerjoin(source, and_(INSTITUTES.c.slug == bindparam("inst"), DATASETS.c.name == bindparam("dname"),
                                      VERSIONS.c.number == CAMPAIGNS.c.version,
                                      CAMPAIGNS.c.dataset == bindparam("ref")))
              .outerjoin(PEOPLE, and_(PEOPLE.c.campaign_id == CAMPAIGNS.c.id, PEOPLE.c.contributor == bindparam("who"))))
    columns = [*CAMPAIGNS.c, DATASETS.c.access_level.label("src_level"), DATASETS.c.unlisted.label("src_unlisted"),
               DATASETS.c.hidden.label("src_hidden"), VERSIONS.c.privacy["status"].as_string().label("src_privacy"),
               VERSIONS.c.id.label("src_version_id"), *(c.label(f"p_{c.name}") for c in PEOPLE.c)]
    return columns, joined


@cache
def _next_query() -> Any:
    columns, joined = _campaign_query()
    return select(*columns).select_from(joined).where(CAMPAIGNS.c.id == bindparam("campaign"))


@cache
def _answer_query() -> Any:
    """The campaign query with the item, and the actor's earlier answer by answer id and to the item."""
    columns, joined = _campaign_query()
    joined = (joined
              .outerjoin(ITEMS, and_(ITEMS.c.id == bindparam("item"), ITEMS.c.campaign_id == CAMPAIGNS.c.id))
              .outerjoin(EARLIER, and_(EARLIER.c.contributor == bindparam("who"),
                                       EARLIER.c.client_id == bindparam("answer_id")))
              .outerjoin(HERE, and_(HERE.c.item_id == bindparam("item"), HERE.c.contributor == bindparam("who"))))
    columns += [ITEMS.c.id.label("i_id"), ITEMS.c.state.label("i_state"), ITEMS.c.is_gold.label("i_gold"),
                ITEMS.c.payload.label("i_payload"), ITEMS.c.gold.label("i_truth"),
                EARLIER.c.id.label("e_id"), EARLIER.c.campaign_id.label("e_campaign"),
                EARLIER.c.item_id.label("e_item"), EARLIER.c.value.label("e_value"),
                HERE.c.id.label("h_id"), HERE.c.campaign_id.label("h_campaign"), HERE.c.client_id.label("h_client"),
                HERE.c.value.label("h_value")]
    return select(*columns).select_from(joined).where(CAMPAIGNS.c.id == bindparam("campaign"))


@cache
def _source_query() -> Any:
    return (select(DATASETS.c.access_level, DATASETS.c.unlisted, DATASETS.c.hidden, VERSIONS.c.privacy)
            .select_from(DATASETS.join(INSTITUTES, INSTITUTES.c.id == DATASETS.c.institute_id)
                         .join(VERSIONS, VERSIONS.c.dataset_id == DATASETS.c.id))
            .where(INSTITUTES.c.slug == bindparam("inst"), DATASETS.c.name == bindparam("dname"),
                   VERSIONS.c.number == bindparam("version")))


@cache
def _standing_query() -> Any:
    return select(PEOPLE).where(PEOPLE.c.campaign_id == bindparam("campaign"), PEOPLE.c.contributor == bindparam("who"))


@cache
def _join_statement(dialect: str) -> Any:
    """A contributor's standing, unless a concurrent first call made it (then no row comes back)."""
    values = {"campaign_id": bindparam("campaign"), "contributor": bindparam("who"), "answers": 0,
              "gold_answers": 0, "gold_correct": 0}
    return _insert(dialect, PEOPLE).values(values).on_conflict_do_nothing().returning(*PEOPLE.c)


def _insert(dialect: str, table: Any) -> Any:
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no ON CONFLICT for {dialect}")  # the settings accept only these two


@cache
def _pick_query(gold: bool, skipping: bool) -> Any:
    answered = exists().where(ANSWERS.c.item_id == ITEMS.c.id, ANSWERS.c.contributor == bindparam("who"))
    query = (select(ITEMS.c.id, ITEMS.c.payload, ITEMS.c.answers)
             .where(ITEMS.c.campaign_id == bindparam("campaign"), ITEMS.c.state == "open",
                    ITEMS.c.is_gold.is_(gold), ~answered))
    if skipping:
        query = query.where(ITEMS.c.id.not_in(bindparam("skip", expanding=True)))
    if not gold:
        query = query.where(ITEMS.c.answers < bindparam("max_overlap")).order_by(ITEMS.c.answers.desc(), ITEMS.c.id)
    else:
        query = query.order_by(ITEMS.c.id)
    return query.limit(SPREAD)


@cache
def _slot_statement() -> Any:
    """The item's next slot by a conditional update (a control item is always open to answers)."""
    room = or_(ITEMS.c.is_gold.is_(True), ITEMS.c.answers < bindparam("max_overlap"))
    return (update(ITEMS).where(ITEMS.c.id == bindparam("item"), ITEMS.c.state == "open", room)
            .values(answers=ITEMS.c.answers + 1).returning(ITEMS.c.answers))


@cache
def _answer_statement(dialect: str) -> Any:
    """The answer, unless a unique constraint holds another (then no row comes back)."""
    values = {c: bindparam(c) for c in ("campaign_id", "item_id", "contributor", "client_id", "slot", "value",
                                        "seconds", "created_at")}
    return _insert(dialect, ANSWERS).values(values).on_conflict_do_nothing().returning(ANSWERS.c.id)


@cache
def _count_statement(gold: bool, credit: bool) -> Any:
    changes: dict[str, Any] = {"answers": PEOPLE.c.answers + 1}
    if gold:
        changes.update(gold_answers=PEOPLE.c.gold_answers + 1, gold_correct=PEOPLE.c.gold_correct + bindparam("right"))
    if credit:
        changes["credit_name"] = bindparam("credit")
    return update(PEOPLE).where(PEOPLE.c.id == bindparam("mine")).values(changes).returning(*PEOPLE.c)


@cache
def _block_statement() -> Any:
    return (update(PEOPLE).where(PEOPLE.c.id == bindparam("mine"), PEOPLE.c.blocked_at.is_(None))
            .values(blocked_at=bindparam("now")))


@cache
def _decided_by_query() -> Any:
    """The ordinary items decided or retired that a contributor answered (decided again when blocked)."""
    return (select(ANSWERS.c.item_id).join(ITEMS, ITEMS.c.id == ANSWERS.c.item_id)
            .where(ANSWERS.c.campaign_id == bindparam("campaign"), ANSWERS.c.contributor == bindparam("who"),
                   ITEMS.c.is_gold.is_(False), ITEMS.c.state.in_(("decided", "exhausted"))))


@cache
def _votes_query() -> Any:
    """An item's answers with their contributors' standing (columns of the contributors table)."""
    return (select(ANSWERS.c.value.label("answer_value"), *PEOPLE.c)
            .select_from(ANSWERS.outerjoin(PEOPLE, and_(PEOPLE.c.campaign_id == ANSWERS.c.campaign_id,
                                                        PEOPLE.c.contributor == ANSWERS.c.contributor)))
            .where(ANSWERS.c.item_id == bindparam("item")))


@cache
def _state_statement() -> Any:
    return (update(ITEMS).where(ITEMS.c.id == bindparam("item"), ITEMS.c.state != "hidden")
            .values(state=bindparam("state"), decided_at=bindparam("decided_at")))


def _audit(connection: Connection, actor: str, action: str, resource: str, **context: Any) -> None:
    """An audit event in the connection's transaction (the audit log is written by an ORM session)."""
    with Session(bind=connection) as session:  # joins the transaction: commits nothing, rolls back nothing
        record(session, actor, action, resource, **context)
        session.flush()


class _Standing:
    """A contributor's standing read from the `p_`-prefixed columns of the campaign query."""

    __slots__ = tuple(c.name for c in PEOPLE.c)

    def __init__(self, values: dict[str, Any]) -> None:
        for name in self.__slots__:
            setattr(self, name, values[name])


class Work:
    """`next` and `answer` for contributors."""

    def __init__(self, campaigns: CampaignService) -> None:
        self.campaigns = campaigns
        self.db = campaigns.db
        self._refs: dict[int, tuple[str, str, str]] = {}  # campaign id -> (its dataset ref, institute, name)
        # SQLite has one writer at a time, and a writer that finds the database locked sleeps 10-100 ms
        # before it tries again (its busy handler): the answers of every server process queue here instead.
        self._writes = self.db.writer_lock

    # the campaign, access and the actor's standing -------------------------------------------
    def _load(self, connection: Connection, actor: Actor, campaign_id: int, query: Any,
              params: dict[str, Any] | None = None) -> Row[Any]:
        """The campaign query's row, once the actor may contribute (as `CampaignService.find`: one who
        may not see the campaign is told it does not exist)."""
        ref, inst, name = self._refs.get(campaign_id, ("", "", ""))
        row = connection.execute(query, {"campaign": campaign_id, "who": actor.name, "ref": ref, "inst": inst,
                                         "dname": name, **(params or {})}).first()
        if row is None:
            raise NotFound(f"no campaign {campaign_id}", hint="`jazari campaigns list`", field="campaign")
        if row.dataset == ref and row.src_version_id is not None:
            source: Guarded = version_guard(Capped(row.dataset, row.src_level, bool(row.src_unlisted),
                                                   bool(row.src_hidden)), row.src_privacy)
        else:  # not remembered yet (or the dataset is gone): looked up by name
            source = self._source(connection, campaign_id, row.dataset, row.version)
        if not can_on_campaign(actor, "see", row, source):
            raise NotFound(f"no campaign {campaign_id}", hint="`jazari campaigns list`", field="campaign")
        if not can_on_campaign(actor, "contribute", row, source):
            hint = "a read-only token cannot" if "write" not in actor.scopes else None
            raise Forbidden(f"{actor.name} may not contribute campaign {campaign_id}", hint=hint)
        return row

    def _source(self, connection: Connection, campaign_id: int, ref: str, version: int) -> Guarded:
        """The campaign's dataset version as access is decided on it now (`campaigns.campaign_source`);
        a dataset gone is left to its institute's stewards."""
        inst, _, name = ref.partition("/")
        found = connection.execute(_source_query(), {"inst": inst, "dname": name, "version": version}).first()
        if len(self._refs) >= REFS:
            self._refs.clear()
        self._refs[campaign_id] = (ref, inst, name)
        if found is None:
            return Capped(ref, "restricted", True, True)
        return version_guard(Capped(ref, found.access_level, bool(found.unlisted), bool(found.hidden)),
                             (found.privacy or {}).get("status"))

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One transaction on a pooled connection, committed on success (as `Database.session`: a
        database error is a StorageError)."""
        try:
            with self.db.engine.connect() as connection:
                yield connection
                connection.commit()
        except OperationalError as exc:
            raise StorageError(f"database error: {exc.orig}", hint="check the database") from exc

    @staticmethod
    def _require_open(campaign: Any) -> None:
        if campaign.status != "open":
            raise Conflict(f"campaign {campaign.id} is {campaign.status}", hint="its stewards may open it again")

    @staticmethod
    def _join(connection: Connection, actor: Actor, campaign: Any, mine: Any) -> Any:
        """The actor's standing in the campaign (`mine`, read with the campaign), created (and audited:
        they now read its items) at the first call; a blocked contributor is refused."""
        if mine is None:
            params = {"campaign": campaign.id, "who": actor.name}
            mine = connection.execute(_join_statement(connection.dialect.name), params).first()
            if mine is not None:
                _audit(connection, actor.name, "campaign.join", campaign.dataset, version=campaign.version,
                       client=actor.client, details={"campaign": campaign.id, "via": actor.via})
            else:  # joined at the same time from another request
                mine = connection.execute(_standing_query(), params).first()
                assert mine is not None
        if mine.blocked_at is not None:
            raise Forbidden(blocked_message(campaign))
        return mine

    @staticmethod
    def _mine(row: Row[Any]) -> _Standing | None:
        values = {c.name: getattr(row, f"p_{c.name}") for c in PEOPLE.c}
        return _Standing(values) if values["id"] is not None else None

    # next ------------------------------------------------------------------------------------
    def next(self, actor: Actor, campaign_id: int, skip: list[int] | None = None) -> dict[str, Any]:
        """An item for the actor to answer (`item` is None when there is none left for them)."""
        skip = list(skip or [])
        if len(skip) > MAX_SKIP or not all(isinstance(i, int) and 1 <= i <= 2**31 - 1 for i in skip):
            raise InputError(f"skip lists at most {MAX_SKIP} item ids", field="skip")
        with self._transaction() as connection:
            campaign = self._load(connection, actor, campaign_id, _next_query())
            self._require_open(campaign)
            mine = self._join(connection, actor, campaign, self._mine(campaign))
            rng = random.Random(f"{campaign.id}:{actor.name}:{mine.answers}:{len(skip)}")
            chance = aggregate.gold_chance(campaign.gold_rate, mine.gold_answers, campaign.gold_min_answers)
            want_gold = campaign.gold_rate > 0 and rng.random() < chance
            item = self._pick(connection, actor, campaign, skip, rng, gold=False)
            if want_gold and item is not None:  # never a control item alone: it would stand out
                item = self._pick(connection, actor, campaign, skip, rng, gold=True) or item
            labels = campaign.config.get("labels", [])
            if item is None:
                return {"campaign": campaign.id, "item": None, "answered": mine.answers, "labels": labels,
                        "message": "no item left for you in this campaign: thank you"}
            return {"campaign": campaign.id, "type": campaign.type, "item": {"id": item.id, "payload": item.payload},
                    "answered": mine.answers, "labels": labels}

    @staticmethod
    def _pick(connection: Connection, actor: Actor, campaign: Any, skip: list[int], rng: random.Random, *,
              gold: bool) -> Row[Any] | None:
        params: dict[str, Any] = {"campaign": campaign.id, "who": actor.name, "max_overlap": campaign.max_overlap}
        if skip:
            params["skip"] = skip
        candidates = connection.execute(_pick_query(gold, bool(skip)), params).all()
        closest = [c for c in candidates if c.answers == candidates[0].answers] if candidates else []
        return rng.choice(closest) if closest else None

    # answer ----------------------------------------------------------------------------------
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
        if not isinstance(item_id, int) or not 1 <= item_id <= 2**31 - 1:
            raise NotFound(f"campaign {campaign_id} has no item {item_id}", field="item")
        with contextlib.ExitStack() as writing, self._transaction() as connection:
            row = self._load(connection, actor, campaign_id, _answer_query(), {"item": item_id, "answer_id": answer_id})
            if row.i_id is None or row.i_state == "hidden":
                raise NotFound(f"campaign {row.id} has no item {item_id}", field="item")
            canonical = check_answer(row.type, row.config, row.i_payload, value)
            if row.e_id is not None:  # a retry is told its answer counted, even if the campaign closed since
                return self._replay(row.e_campaign, row.e_item, row.e_value, item_id, canonical, answer_id)
            self._require_open(row)
            if self._writes is not None:  # before the first write; held until the commit (the ExitStack
                writing.enter_context(self._writes)  # closes after the transaction)
            mine = self._join(connection, actor, row, self._mine(row))
            if row.h_id is not None:  # a retry that raced its first try is a replay too
                if row.h_client == answer_id:
                    return self._replay(row.h_campaign, item_id, row.h_value, item_id, canonical, answer_id)
                raise Conflict(f"you already answered item {item_id}", hint="take the next one")
            slot = connection.execute(_slot_statement(), {"item": item_id, "max_overlap": row.max_overlap}).scalar()
            if slot is None:
                raise Conflict(f"item {item_id} has all the answers it needs", hint="take the next one")
            added = connection.execute(_answer_statement(connection.dialect.name), {
                "campaign_id": row.id, "item_id": item_id, "contributor": actor.name, "client_id": answer_id,
                "slot": slot, "value": canonical, "seconds": seconds, "created_at": utcnow()}).first()
            if added is None:  # a concurrent twin (a retry, or the same person twice) got there first
                connection.rollback()  # the slot too: nothing of this answer stays
                return self._after_twin(connection, actor, row.id, item_id, canonical, answer_id)
            answered = self._count(connection, row, mine, bool(row.i_gold), row.i_payload, row.i_truth, canonical,
                                   credit)
            if not row.i_gold:
                self._decide(connection, row, item_id, current="open")
        return {"campaign": row.id, "item": item_id, "answer_id": answer_id, "accepted": True,
                "duplicate": False, "answered": answered}

    def _after_twin(self, connection: Connection, actor: Actor, campaign_id: int, item_id: int, canonical: Any,
                    answer_id: str) -> dict[str, Any]:
        """The answer of the twin that won (its transaction is committed: the INSERT waited for it)."""
        earlier = connection.execute(select(ANSWERS.c.campaign_id, ANSWERS.c.item_id, ANSWERS.c.value).where(
            ANSWERS.c.contributor == actor.name, ANSWERS.c.client_id == answer_id)).first()
        if earlier is not None:
            return self._replay(earlier.campaign_id, earlier.item_id, earlier.value, item_id, canonical, answer_id)
        raise Conflict(f"you already answered item {item_id}", hint="take the next one")

    @staticmethod
    def _replay(campaign_id: int, earlier_item: int, earlier_value: Any, item_id: int, canonical: Any,
                answer_id: str) -> dict[str, Any]:
        if earlier_item != item_id or answer_key(earlier_value) != answer_key(canonical):
            raise Conflict(f"answer id {answer_id!r} was already used for another answer",
                           hint="choose a new id for each new answer (a retry keeps its id)", field="answer_id")
        return {"campaign": campaign_id, "item": item_id, "answer_id": answer_id, "accepted": True,
                "duplicate": True}

    @staticmethod
    def _count(connection: Connection, campaign: Any, mine: Any, is_gold: bool, payload: dict[str, Any], truth: Any,
               value: Any, credit: str | None) -> int:
        """Count the answer in the contributor's standing; a control answer may block them."""
        params: dict[str, Any] = {"mine": mine.id}
        if is_gold:
            text = str(payload.get(campaign.config.get("text_field") or "") or "")
            params["right"] = int(aggregate.is_correct(campaign.type, value, truth, text))
        if credit is not None:
            params["credit"] = credit.strip()
        stats = connection.execute(_count_statement(is_gold, credit is not None), params).one()
        if is_gold and aggregate.blocks(stats.gold_answers, stats.gold_correct, campaign.gold_min_answers,
                                        campaign.gold_min_accuracy):
            blocked = connection.execute(_block_statement(), {"mine": mine.id, "now": utcnow()})
            if blocked.rowcount:
                _audit(connection, "jazari", "campaign.block", campaign.dataset, version=campaign.version,
                       details={"campaign": campaign.id, "contributor": mine.contributor,
                                "gold_answers": stats.gold_answers, "gold_correct": stats.gold_correct})
                # their answers now count for nothing: the items they helped decide are decided again
                for retired in connection.execute(_decided_by_query(), {"campaign": campaign.id,
                                                                        "who": mine.contributor}).scalars().all():
                    Work._decide(connection, campaign, retired)
        return int(stats.answers)

    @staticmethod
    def _decide(session: Session | Connection, campaign: Any, item_id: int, *, current: str | None = None) -> None:
        """Decide, keep open or retire the item after an answer (under the item's row lock); `current`,
        the item's state when known, spares the write when it does not change."""
        connection = session if isinstance(session, Connection) else session.connection()
        rows = connection.execute(_votes_query(), {"item": item_id}).all()
        counted = [(answer_key(r.answer_value), right) for r in rows
                   if (right := accuracy_of(_standing_of(r))) is not None]  # not the blocked
        top, p, tie = aggregate.posterior(counted, aggregate.answer_space(campaign.type, campaign.config))
        if top is not None and len(counted) >= campaign.min_overlap and p >= campaign.confidence and not tie:
            state = "decided"
        elif len(rows) >= campaign.max_overlap:  # every slot is taken
            state = "exhausted"
        else:
            state = "open"
        if state != current:
            connection.execute(_state_statement(), {"item": item_id, "state": state,
                                                    "decided_at": utcnow() if state != "open" else None})
