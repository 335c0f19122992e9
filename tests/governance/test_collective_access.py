"""Who may contribute to, follow and manage a campaign, report, moderate and appeal, and who sees
content that moderation hid; written out from the issue, not from `governance.access`."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from jazari.governance.access import (
    can,
    can_appeal,
    can_moderate,
    can_on_campaign,
    can_report,
    can_see_moderated,
)
from jazari.governance.actors import Actor

READ_ONLY = frozenset({"read"})
PEOPLE = {
    "anonymous": Actor.anonymous(),
    "public": Actor(name="fan@mail.ma"),  # signed up, no institute
    "member_elsewhere": Actor(name="omar@dgsn.ma", roles={"dgsn": "viewer"}),
    "steward_elsewhere": Actor(name="sara@dgsn.ma", roles={"dgsn": "steward"}),
    "viewer": Actor(name="amina@hcp.ma", roles={"hcp": "viewer"}),
    "contributor": Actor(name="youssef@hcp.ma", roles={"hcp": "contributor"}),
    "steward": Actor(name="karim@hcp.ma", roles={"hcp": "steward"}),
    "steward_read_only": Actor(name="karim@hcp.ma", roles={"hcp": "steward"}, scopes=READ_ONLY),
    "admin": Actor(name="root@jazari.ma", is_admin=True),
}


@dataclass(frozen=True)
class Camp:
    institute: str
    contributors: str


# contribute: public = anyone with an account; network = members of any institute; institute = its members
CONTRIBUTE = {
    "public": {"public", "member_elsewhere", "steward_elsewhere", "viewer", "contributor", "steward", "admin"},
    "network": {"member_elsewhere", "steward_elsewhere", "viewer", "contributor", "steward", "admin"},
    "institute": {"viewer", "contributor", "steward", "admin"},
}


@pytest.mark.parametrize("audience", sorted(CONTRIBUTE))
@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_campaign_rights(audience: str, person: str) -> None:
    actor, campaign = PEOPLE[person], Camp("hcp", audience)
    assert can_on_campaign(actor, "contribute", campaign) is (person in CONTRIBUTE[audience])
    assert can_on_campaign(actor, "see", campaign) is (person in CONTRIBUTE[audience] | {"steward_read_only"})
    assert can_on_campaign(actor, "review", campaign) is (person in ("steward", "steward_read_only", "admin"))
    assert can_on_campaign(actor, "manage", campaign) is (person in ("steward", "admin"))


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_reporting_and_moderation_rights(person: str) -> None:
    actor = PEOPLE[person]
    assert can_report(actor) is (person not in ("anonymous", "steward_read_only"))
    assert can_moderate(actor, "review", "hcp") is (person in ("steward", "steward_read_only", "admin"))
    assert can_moderate(actor, "decide", "hcp") is (person in ("steward", "admin"))
    assert can_see_moderated(actor, "hcp") is (person in ("viewer", "contributor", "steward", "steward_read_only",
                                                          "admin"))
    assert can_appeal(actor, "hcp") is (person in ("contributor", "steward", "admin"))
    assert can_appeal(actor, "hcp", owner="fan@mail.ma") is (person in ("public", "contributor", "steward", "admin"))


@dataclass(frozen=True)
class Data:
    ref: str
    access_level: str
    hidden: bool = False


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_a_hidden_dataset_is_left_to_its_institute_and_administrators(person: str) -> None:
    actor = PEOPLE[person]
    public, hidden = Data("hcp/fans", "public"), Data("hcp/fans", "public", hidden=True)
    assert can(actor, "see", public) and can(actor, "read", public)
    insider = person in ("viewer", "contributor", "steward", "steward_read_only", "admin")
    assert can(actor, "see", hidden) is insider and can(actor, "read", hidden) is insider


def test_unknown_actions_are_errors() -> None:
    with pytest.raises(ValueError):
        can_on_campaign(PEOPLE["admin"], "delete", Camp("hcp", "public"))
    with pytest.raises(ValueError):
        can_moderate(PEOPLE["admin"], "hide", "hcp")


@dataclass(frozen=True)
class Source:
    ref: str
    access_level: str
    unlisted: bool = False
    hidden: bool = False


# a public campaign over hcp's data, as the data is now: who still sees it and contributes
STILL = {
    "public": CONTRIBUTE["public"],
    "network": CONTRIBUTE["public"],
    "institute": {"viewer", "contributor", "steward", "admin"},
    "hidden": {"viewer", "contributor", "steward", "admin"},
}


@pytest.mark.parametrize("now", sorted(STILL))
@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_a_campaign_is_never_wider_than_its_data_now(now: str, person: str) -> None:
    actor, campaign = PEOPLE[person], Camp("hcp", "public")
    source = Source("hcp/fans", "public", hidden=True) if now == "hidden" else Source("hcp/fans", now)
    assert can_on_campaign(actor, "contribute", campaign, source) is (person in STILL[now])
    assert can_on_campaign(actor, "see", campaign, source) is (person in STILL[now] | {"steward_read_only"})
    assert can_on_campaign(actor, "manage", campaign, source) is (person in ("steward", "admin"))
