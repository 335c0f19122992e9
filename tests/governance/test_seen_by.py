"""`seen_by(actor, datasets)`, the SQL form of `can(actor, "see", dataset)` that lists and search
filter with, agrees with `can` for every kind of actor and every dataset: each access level, listed
or unlisted, hidden by moderation or not, with or without a grant; on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select
from sqlalchemy.orm import aliased

from jazari.datasets.models import ACCESS_LEVELS, Dataset
from jazari.governance.access import can, seen_by
from jazari.governance.actors import Actor, GrantRef
from jazari.governance.models import Institute

OP = Actor.operator()
CASES = list(itertools.product(ACCESS_LEVELS, (False, True), (False, True), (False, True)))


def _name(level: str, unlisted: bool, hidden: bool, granted: bool) -> str:
    return f"{level}-{'unlisted' if unlisted else 'listed'}-{'hidden' if hidden else 'shown'}-{'g' if granted else 'n'}"


def _grants(*institutes: str) -> dict[str, GrantRef]:
    """A grant on every dataset of these institutes whose name says `g`."""
    return {f"{slug}/{_name(*case)}": GrantRef(id=i, purpose="étude")
            for slug in institutes for i, case in enumerate(CASES) if case[3]}


ACTORS = {
    "anonymous": Actor.anonymous(),
    "operator": OP,
    "platform admin": Actor(name="admin@root.ma", is_admin=True),
    "signed-in outsider": Actor(name="amina@univ.ma"),
    "outsider with grants": Actor(name="amina@univ.ma", grants=_grants("own")),
    "steward elsewhere": Actor(name="omar@dgsn.ma", roles={"other": "steward"}),
    "steward elsewhere with grants": Actor(name="omar@dgsn.ma", roles={"other": "steward"}, grants=_grants("own")),
    "read-only token of a viewer": Actor(name="vera@own.ma", roles={"own": "viewer"}, scopes=frozenset({"read"})),
    **{f"{role} of the owner": Actor(name=f"{role}@own.ma", roles={"own": role})
       for role in ("viewer", "contributor", "steward", "admin")},
    "viewer of both": Actor(name="both@own.ma", roles={"own": "viewer", "other": "viewer"}),
    "unknown role": Actor(name="x@own.ma", roles={"own": "guest"}),
    "grant on an unknown dataset": Actor(name="y@univ.ma", grants={"own/nothing": GrantRef(1, "p"), "bad": GrantRef(2, "p")}),
}


@pytest.fixture
def catalog(jz):
    """Two institutes with one dataset per (level, unlisted, hidden, granted) case each."""
    for slug in ("own", "other"):
        jz.accounts.add_institute(OP, slug, names={"fr": slug})
    with jz.db.session() as session:
        ids = {slug: id_ for slug, id_ in session.execute(select(Institute.slug, Institute.id))}
        session.add_all(Dataset(institute_id=ids[slug], name=_name(*case), access_level=case[0], unlisted=case[1],
                                hidden=case[2], recipe={}, meta={})
                        for slug in ("own", "other") for case in CASES)
    return jz


@pytest.mark.parametrize("who", list(ACTORS))
def test_seen_by_agrees_with_can_for_every_case(catalog, who: str) -> None:
    actor = ACTORS[who]
    with catalog.db.session() as session:
        every = session.scalars(select(Dataset)).all()
        assert len(every) == 2 * len(CASES)
        expected = {d.ref for d in every if can(actor, "see", d)}
        found = {d.ref for d in session.scalars(select(Dataset).where(seen_by(actor, Dataset)))}
        other = aliased(Dataset)  # an alias and the table's columns work alike
        by_alias = {d.ref for d in session.scalars(select(other).where(seen_by(actor, other)))}
        table = Dataset.__table__
        by_table = set(session.scalars(select(table.c.id).where(seen_by(actor, table.c))))
    assert found == expected, (sorted(found - expected), sorted(expected - found))
    assert by_alias == expected and by_table == {d.id for d in every if d.ref in expected}


def test_the_matrix_covers_what_matters(catalog) -> None:
    """Not a vacuous agreement: each actor kind sees a different set, and the edges are where they should be."""
    with catalog.db.session() as session:
        every = session.scalars(select(Dataset)).all()
        seen = {who: frozenset(d.ref for d in session.scalars(select(Dataset).where(seen_by(a, Dataset))))
                for who, a in ACTORS.items()}
    assert len(seen["operator"]) == len(every) == len(seen["platform admin"])
    assert seen["anonymous"] == {d.ref for d in every if d.access_level == "public" and not d.hidden}
    assert "own/restricted-unlisted-shown-g" in seen["outsider with grants"] - seen["signed-in outsider"]
    assert "own/restricted-unlisted-hidden-g" not in seen["outsider with grants"]  # hidden beats a grant
    assert "own/restricted-unlisted-hidden-n" in seen["viewer of the owner"]  # the owner sees what moderation hid
    assert "own/network-listed-hidden-n" not in seen["steward elsewhere"]
    assert seen["unknown role"] == seen["signed-in outsider"]
    assert len(set(seen.values())) >= 6
