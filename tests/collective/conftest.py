"""A node with two institutes, their members, public accounts, and fan messages to classify
(hcp/fans, network level): what the collective tests share."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from jazari.governance.actors import Actor
from jazari.store.database import utcnow
from tests.files import write_csv
from tests.people import add_people

OP = Actor.operator()
KARIM = "karim@hcp.ma"  # steward of hcp
AMINA = "amina@hcp.ma"  # viewer of hcp
YOUSSEF = "youssef@hcp.ma"  # contributor of hcp
OMAR = "omar@dgsn.ma"  # steward of another institute
PUBLIC = [f"fan{i}@mail.ma" for i in range(8)]  # signed up, no institute
NEEDS = ["transport", "tickets", "safety", "lost_item", "health", "information"]
MESSAGES = [
    "fin kayn tobis l stade?", "بغيت نشري تيكي ديال الماتش", "J'ai perdu mon sac près de la porte 4",
    "Where is the first aid tent?", "واش كاين شي طاكسي قريب", "ma3reftch fin nl9a l guichet",
    "Le tram est-il gratuit ce soir ?", "شفت واحد كيسرق", "My phone is lost near gate B",
    "wach kayn lmedecin hna", "Horaires d'ouverture des portes ?", "ticket scan not working",
]
GOLD = {"m0": "transport", "m1": "tickets", "m2": "lost_item", "m3": "health"}


@pytest.fixture
def node(jz, tmp_path: Path):
    """hcp/fans (public): 12 messages with an `id` and a `truth` column for the 4 control rows."""
    prepare(jz, tmp_path)
    return jz


def prepare(jz, tmp_path: Path) -> None:
    """The people (accounts a month old) and hcp/fans."""
    add_people(jz, {"hcp": {KARIM: "steward", AMINA: "viewer", YOUSSEF: "contributor"}, "dgsn": {OMAR: "steward"}},
               others=tuple(PUBLIC))
    age(jz, [KARIM, AMINA, YOUSSEF, OMAR, *PUBLIC], days=30)
    rows = [[f"m{i}", text, GOLD.get(f"m{i}", "")] for i, text in enumerate(MESSAGES)]
    jz.ingest(write_csv(tmp_path / "fans.csv", ["id", "text", "truth"], rows), "hcp/fans", title="Fan messages")
    jz.datasets_service.update(OP, "hcp/fans", access_level="public")


def age(jz, emails: list[str], *, days: float) -> None:
    """Make accounts look `days` old."""
    with jz.db.engine.begin() as conn:
        for email in emails:
            conn.execute(sa.text("UPDATE users SET created_at = :t WHERE email = :e"),
                         {"t": utcnow() - timedelta(days=days), "e": email})


def who(jz, email: str) -> Actor:
    return jz.accounts.actor(email)


def spec(**overrides: Any) -> dict[str, Any]:
    """A classify campaign over hcp/fans (needs at a sporting event)."""
    base = {
        "title": "Fans' needs", "type": "classify", "dataset": "hcp/fans", "fields": ["text"], "key_field": "id",
        "gold": dict(GOLD), "labels": NEEDS, "contributors": "public",
        "instructions": {"fr": "Quel est le besoin ?", "ar": "ما هي الحاجة؟", "en": "What is the need?"},
        "min_overlap": 2, "max_overlap": 4, "gold_rate": 0.0,
    }
    return {**base, **overrides}


def answer_all(jz, campaign: int, email: str, choose: Any, limit: int = 100) -> int:
    """Answer items until none is left for this person; `choose(payload)` gives the value."""
    actor = who(jz, email)
    n = 0
    for n in range(limit):  # noqa: B007
        got = jz.campaign_next(campaign, actor=actor)
        if got["item"] is None:
            break
        jz.campaign_answer(campaign, got["item"]["id"], choose(got["item"]["payload"]), f"{email.split('@')[0]}-{n}", actor=actor)
    return n
