"""`jazari demo`: the census tables as the public datasets of hcp, and people to sign in as."""

from __future__ import annotations

from jazari.demo import demo_accounts, load_demo
from jazari.governance.actors import Actor


def test_the_demo_loads_twice_with_its_accounts(jz) -> None:
    first = demo_accounts(jz)
    assert all(a["password"] for a in first)
    results = load_demo(jz)
    assert {r["dataset"] for r in results} >= {"hcp/communes-2024", "hcp/census-2024-population"}
    communes = jz.rows("hcp/communes-2024", limit=1, actor=Actor.anonymous())
    assert communes["total"] > 1000  # public: anyone reads it
    _cookie, steward = jz.accounts.sign_in("steward@hcp.ma", first[1]["password"])
    assert steward.roles == {"hcp": "steward"}
    jz.datasets_service.update(steward, "hcp/regions-2024", title="Régions")
    researcher = jz.accounts.actor("researcher@um5.ma")
    assert researcher.roles == {"um5": "viewer"}
    assert jz.accounts.institute("hcp")["names"]["ar"] == "المندوبية السامية للتخطيط"
    found = [r["dataset"] for r in jz.search("الجماعات", actor=Actor.anonymous())["results"]]
    assert found[0] == "hcp/communes-2024"  # the demo is searchable in Arabic
    assert "hcp/regions-2024" in [r["dataset"] for r in jz.search("jihat")["results"]]  # and in Arabizi
    again = demo_accounts(jz)
    assert [a["password"] for a in again] == [None, None, None]  # not reset, not shown again
    assert all(r.get("unchanged") for r in load_demo(jz))
