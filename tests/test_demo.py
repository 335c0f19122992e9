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
    assert "hcp/communes-2024" in found[:2]  # the demo is searchable in Arabic (beside the campaign's communes)
    assert "hcp/regions-2024" in [r["dataset"] for r in jz.search("jihat")["results"]]  # and in Arabizi
    again = demo_accounts(jz)
    assert [a["password"] for a in again] == [None, None, None]  # not reset, not shown again
    assert all(r.get("unchanged") for r in load_demo(jz))


def test_the_demo_opens_two_campaigns_once(jz) -> None:
    from jazari.demo_campaigns import MESSAGES, NEEDS

    demo_accounts(jz)
    load_demo(jz)
    campaigns = {c["dataset"]: c for c in jz.campaigns(manage=True)}
    assert set(campaigns) == {"hcp/communes-montagne-noms", "um5/messages-supporters"}
    communes = jz.campaign_status(campaigns["hcp/communes-montagne-noms"]["id"])
    assert communes["type"] == "validate" and communes["items"]["total"] > 100 and communes["gold_items"] == 12
    assert communes["contributors"] == [] and communes["fields"] == ["nom_fr", "province"]
    fans = jz.campaign_status(campaigns["um5/messages-supporters"]["id"])
    assert fans["type"] == "classify" and fans["items"]["total"] + fans["gold_items"] == len(MESSAGES) >= 60
    assert [lab["value"] for lab in fans["labels"]] == [n["value"] for n in NEEDS]
    assert {lang for _t, lang, _n in MESSAGES} == {"ary-Arab", "ary-Latn", "fr", "ar", "en"}
    assert {need for _t, _l, need in MESSAGES} == {n["value"] for n in NEEDS}
    researcher = jz.accounts.actor("researcher@um5.ma")  # anyone with an account may contribute
    got = jz.campaign_next(fans["id"], actor=researcher)
    assert got["item"] is not None and "controle" not in got["item"]["payload"]
    load_demo(jz)
    assert len(jz.campaigns(manage=True)) == 2  # not opened twice
    rural = jz.search(None, theme="rural_mountain")["results"]
    assert "hcp/communes-montagne-noms" in [r["dataset"] for r in rural]  # the rural and mountain theme
