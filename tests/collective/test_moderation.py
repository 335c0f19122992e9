"""Community reports: thresholds and weights, new accounts and rejected reporters weigh less, one
person with many same-day accounts cannot hide anything, duplicates count once, rate limits; hidden
content leaves listings, search and reads for everyone but its institute and moderators; restore,
remove, one appeal, notifications, audit; the reporter's message in fr, ar and en."""

from __future__ import annotations

import pytest

from jazari.errors import Conflict, Forbidden, InputError, NotFound, RateLimited, Unauthenticated
from jazari.governance.actors import Actor
from tests.collective.conftest import AMINA, KARIM, OMAR, OP, PUBLIC, YOUSSEF, age, spec, who

SEED_WORDS = {"en": "blocked automatically after several people report it", "fr": "bloqué automatiquement",
              "ar": "تلقائيًا"}


def visible_to(jz, actor) -> bool:
    """Whether `actor` sees hcp/fans anywhere: the listing, search, metadata, rows."""
    listed = "hcp/fans" in [d["dataset"] for d in jz.datasets(actor=actor)]
    found = "hcp/fans" in [h["dataset"] for h in jz.search("fan", actor=actor)["results"]]
    try:
        jz.rows("hcp/fans", actor=actor)
        readable = True
    except NotFound:
        readable = False
    assert listed == found == readable, (listed, found, readable)
    return listed


def content_id(jz, kind: str = "dataset", ref: str = "hcp/fans") -> int:
    return next(c["id"] for c in jz.reports(actor=OP, include_decided=True) if (c["kind"], c["ref"]) == (kind, ref))


def test_three_people_hide_a_dataset_from_all_but_its_institute_and_moderators(node) -> None:
    jz = node
    outsider = who(jz, OMAR)
    assert visible_to(jz, outsider) and visible_to(jz, Actor.anonymous())
    for n, email in enumerate(PUBLIC[:3]):
        reply = jz.report("dataset", "hcp/fans", "offensive", note="insults", actor=who(jz, email))
        assert reply["status"] == "open" and not reply["duplicate"]
        assert visible_to(jz, outsider) is (n < 2)  # two people are not enough (N = 3)
    assert not visible_to(jz, Actor.anonymous()) and not visible_to(jz, who(jz, PUBLIC[0]))
    for insider in (who(jz, AMINA), who(jz, KARIM), OP):  # the owner's members and the moderators
        assert visible_to(jz, insider)
    queue = jz.reports(actor=who(jz, KARIM))
    assert [(c["kind"], c["ref"], c["state"], c["open_reports"]) for c in queue] == [
        ("dataset", "hcp/fans", "hidden", 3)]
    assert jz.reports(actor=outsider) == []  # another institute's steward does not moderate hcp
    notes = jz.notifications(actor=who(jz, KARIM))
    assert notes and notes[0]["kind"] == "moderation.hidden"
    actions = [e["action"] for e in jz.audit("hcp/fans", actor=OP)] + [e["action"] for e in jz.audit(actor=OP)]
    assert "report.create" in actions and "moderation.hide" in actions


def test_one_person_with_many_accounts_made_the_same_day_cannot_hide_anything(node) -> None:
    jz = node
    throwaways = [f"sock{i}@mail.ma" for i in range(12)]
    for email in throwaways:
        jz.accounts.add_user(OP, email, "sock", password="correct horse battery")
    first = jz.report("dataset", "hcp/fans", "spam", actor=who(jz, PUBLIC[0]))  # one real, established account
    for email in throwaways:
        jz.report("dataset", "hcp/fans", "spam", actor=who(jz, email))
    assert visible_to(jz, Actor.anonymous())
    queue = jz.reports(actor=who(jz, KARIM))[0]
    assert queue["open_reports"] == 13 and queue["state"] == "visible"
    assert {r["weight"] for r in queue["reports"] if r["reporter"] in throwaways} == {0.2}
    assert first["status"] == "open"
    # the same with personal data, whose threshold is lower
    jz.set_metadata("hcp/fans", {"description": {"fr": "Messages des supporters"}}, actor=OP)
    for email in throwaways[:6]:
        jz.report("description", "hcp/fans", "personal_data", actor=who(jz, email))
    assert jz.dataset("hcp/fans", actor=Actor.anonymous())["metadata"]["description"]["fr"]
    assert {c["state"] for c in jz.reports(actor=OP)} == {"visible"}


def test_a_week_old_account_weighs_half_and_two_people_are_enough_for_personal_data(node) -> None:
    jz = node
    age(jz, [PUBLIC[0]], days=3)
    reply = jz.report("dataset", "hcp/fans", "personal_data", actor=who(jz, PUBLIC[0]))
    assert jz.reports(actor=OP)[0]["reports"][0]["weight"] == 0.5
    jz.report("dataset", "hcp/fans", "personal_data", actor=who(jz, PUBLIC[1]))
    assert visible_to(jz, Actor.anonymous())  # 1.5 and one established account: not yet
    jz.report("dataset", "hcp/fans", "personal_data", actor=who(jz, PUBLIC[2]))
    assert not visible_to(jz, Actor.anonymous())  # 2.5 >= 2, two established people
    assert reply["report"]


def test_a_duplicate_report_counts_once_and_reports_are_rate_limited(node) -> None:
    jz = node
    fan = who(jz, PUBLIC[0])
    first = jz.report("dataset", "hcp/fans", "wrong", actor=fan)
    again = jz.report("dataset", "hcp/fans", "offensive", actor=fan)
    assert again["duplicate"] and again["report"] == first["report"]
    assert jz.reports(actor=OP)[0]["open_reports"] == 1
    jz.settings.reports_per_hour = 2
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    jz.report("item", f"{c['id']}/1", "spam", actor=fan)
    with pytest.raises(RateLimited):
        jz.report("item", f"{c['id']}/2", "spam", actor=fan)


def test_bad_reports_are_refused_with_the_field_named(node) -> None:
    jz = node
    fan = who(jz, PUBLIC[0])
    for kind, ref, reason, field in (("table", "hcp/fans", "spam", "kind"), ("dataset", "hcp/fans", "boring", "reason"),
                                     ("item", "one/two", "spam", "ref"), ("dataset", "", "spam", "ref")):
        with pytest.raises(InputError) as caught:
            jz.report(kind, ref, reason, actor=fan)
        assert caught.value.context["field"] == field
    with pytest.raises(NotFound):
        jz.report("dataset", "hcp/nothing", "spam", actor=fan)
    with pytest.raises(NotFound):
        jz.report("comment", "42", "spam", actor=fan)
    with pytest.raises(Unauthenticated):
        jz.report("dataset", "hcp/fans", "spam", actor=Actor.anonymous())
    with pytest.raises(InputError):
        jz.report("dataset", "hcp/fans", "spam", note="x" * 2001, actor=fan)


@pytest.mark.parametrize("locale", ["fr", "ar", "en"])
def test_the_reporter_reads_the_seed_message_in_their_language(node, locale: str) -> None:
    jz = node
    reply = jz.report("dataset", "hcp/fans", "other", locale=locale, actor=who(jz, PUBLIC[0]))
    assert SEED_WORDS[locale] in reply["message"]
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    image = jz.report("image", f"{c['id']}/1", "copyright", locale=locale, actor=who(jz, PUBLIC[0]))
    assert {"fr": "Cette image", "ar": "هذه الصورة", "en": "This image"}[locale] in image["message"]


def hide(jz, kind: str = "dataset", ref: str = "hcp/fans", reason: str = "offensive") -> int:
    for email in PUBLIC[:3]:
        jz.report(kind, ref, reason, actor=who(jz, email))
    return content_id(jz, kind, ref)


def test_restore_rejects_the_reports_and_rejected_reporters_weigh_less_next_time(node) -> None:
    jz = node
    cid = hide(jz)
    with pytest.raises(NotFound):
        jz.moderate(cid, "restore", "fine", actor=who(jz, OMAR))
    with pytest.raises(NotFound):
        jz.moderate(cid, "restore", "fine", actor=who(jz, YOUSSEF))
    with pytest.raises(InputError):
        jz.moderate(cid, "restore", " ", actor=who(jz, KARIM))
    done = jz.moderate(cid, "restore", "satire, not an insult", actor=who(jz, KARIM))
    assert done["state"] == "restored" and {r["status"] for r in done["reports"]} == {"rejected"}
    assert visible_to(jz, Actor.anonymous())
    with pytest.raises(Conflict):
        jz.moderate(cid, "remove", "changed my mind", actor=who(jz, KARIM))
    for email in PUBLIC[:3]:  # the same three again: each weighs (0 + 1) / (0 + 2 + 1) now
        jz.report("dataset", "hcp/fans", "offensive", actor=who(jz, email))
    assert visible_to(jz, Actor.anonymous())
    assert {r["weight"] for r in jz.reports(actor=OP)[0]["reports"] if r["status"] == "open"} == {round(1 / 3, 6)}
    assert jz.reports(actor=who(jz, PUBLIC[0]), mine=True)[-1]["status"] == "rejected"


def test_remove_then_one_appeal(node) -> None:
    jz = node
    cid = hide(jz)
    removed = jz.moderate(cid, "remove", "insults confirmed", actor=OP)
    assert removed["state"] == "removed" and not visible_to(jz, who(jz, OMAR))
    told = jz.notifications(actor=who(jz, KARIM))[0]
    assert told["kind"] == "moderation.removed" and told["details"]["may_appeal"] is True
    with pytest.raises(NotFound):  # not the owner
        jz.appeal(cid, "please", actor=who(jz, PUBLIC[0]))
    appealed = jz.appeal(cid, "the insults were quotes from a study", actor=who(jz, YOUSSEF))
    assert appealed["status"] == "open"
    with pytest.raises(Conflict, match="once"):
        jz.appeal(cid, "again", actor=who(jz, KARIM))
    assert jz.reports(actor=who(jz, KARIM))[0]["appeal"]["status"] == "open"
    granted = jz.moderate(cid, "restore", "quotes, in context", actor=who(jz, KARIM))
    assert granted["appeal"]["status"] == "granted" and visible_to(jz, Actor.anonymous())
    actions = {e["action"] for e in jz.audit(actor=OP, limit=500)}
    assert {"moderation.remove", "moderation.appeal", "moderation.restore"} <= actions


def test_a_hidden_item_is_not_given_to_anyone(node) -> None:
    jz = node
    c = jz.create_campaign(spec(max_overlap=20), actor=who(jz, KARIM))
    item = jz.campaign_next(c["id"], actor=who(jz, PUBLIC[4]))["item"]["id"]
    hide(jz, "item", f"{c['id']}/{item}", reason="personal_data")
    served = {jz.campaign_next(c["id"], actor=who(jz, p))["item"]["id"] for p in PUBLIC[3:8] for _ in range(3)}
    assert item not in served
    with pytest.raises(NotFound):
        jz.campaign_answer(c["id"], item, "tickets", "late", actor=who(jz, PUBLIC[4]))
    assert jz.campaign_status(c["id"], actor=who(jz, KARIM))["items"]["hidden"] == 1


def test_a_hidden_description_is_shown_only_to_the_institute(node) -> None:
    jz = node
    jz.set_metadata("hcp/fans", {"description": {"fr": "Messages avec des insultes"}}, actor=OP)
    hide(jz, "description", "hcp/fans")
    assert visible_to(jz, Actor.anonymous())  # the dataset stays; its description goes
    assert "description" not in jz.dataset("hcp/fans", actor=Actor.anonymous())["metadata"]
    assert jz.dataset("hcp/fans", actor=who(jz, AMINA))["metadata"]["description"]["fr"]


def test_a_read_only_token_cannot_report_or_decide(node) -> None:
    jz = node
    cid = hide(jz)
    reader = Actor(name=KARIM, roles={"hcp": "steward"}, scopes=frozenset({"read"}), user_id=1)
    with pytest.raises(Forbidden):
        jz.moderate(cid, "remove", "x", actor=reader)
    with pytest.raises(Forbidden):
        jz.report("dataset", "hcp/fans", "spam", actor=reader)
    assert jz.reports(actor=reader)  # but may look at the queue


@pytest.mark.parametrize("ref", ["{c}/²", "{c}/99999999999", "99999999999999999999/1", "{c}/-1", "{c}/1/2", "{c}/"])
def test_a_malformed_item_ref_is_refused_not_a_crash(node, ref: str) -> None:
    jz = node
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    with pytest.raises((InputError, NotFound)) as caught:
        jz.report("item", ref.format(c=c["id"]), "spam", actor=who(jz, PUBLIC[0]))
    assert caught.value.context["field"] == "ref"


def test_one_item_is_one_content_however_its_ref_is_written(node) -> None:
    """`1/7`, `01/007` and `١/٧` (Arabic-Indic digits) name the same item: one person's report
    counts once, and the queue holds one entry."""
    jz = node
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    item = jz.campaign_next(c["id"], actor=who(jz, PUBLIC[0]))["item"]["id"]
    fan = who(jz, PUBLIC[0])
    first = jz.report("item", f"{c['id']}/{item}", "spam", actor=fan)
    arabic = str(item).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for ref in (f"0{c['id']}/00{item}", f"{c['id']}/{arabic}", f" {c['id']}/{item} "):
        again = jz.report("item", ref, "spam", actor=fan)
        assert again["duplicate"] and again["report"] == first["report"] and again["content"]["ref"] == \
            f"{c['id']}/{item}"
    assert [(x["ref"], x["open_reports"]) for x in jz.reports(actor=OP)] == [(f"{c['id']}/{item}", 1)]


@pytest.mark.parametrize("answers", [2, 4])
def test_a_restored_item_gets_back_its_place(node, answers: int) -> None:
    """An item decided (2 agreeing answers) or retired at max_overlap (4, split) before it was hidden
    is decided or retired again once restored: not reopened."""
    jz = node
    c = jz.create_campaign(spec(min_overlap=2, max_overlap=4, confidence=0.7), actor=who(jz, KARIM))
    item = jz.campaign_next(c["id"], actor=who(jz, PUBLIC[0]))["item"]["id"]
    values = ["tickets", "tickets"] if answers == 2 else ["tickets", "health", "safety", "transport"]
    for n, value in enumerate(values):
        jz.campaign_answer(c["id"], item, value, f"r{n}", actor=who(jz, PUBLIC[n]))
    before = jz.campaign_status(c["id"], actor=who(jz, KARIM))["items"]
    cid = hide(jz, "item", f"{c['id']}/{item}")
    assert jz.campaign_status(c["id"], actor=who(jz, KARIM))["items"]["hidden"] == 1
    jz.moderate(cid, "restore", "a fair message", actor=who(jz, KARIM))
    assert jz.campaign_status(c["id"], actor=who(jz, KARIM))["items"] == before
    with pytest.raises(Conflict):
        jz.campaign_answer(c["id"], item, "tickets", "after", actor=who(jz, PUBLIC[6]))


def test_text_with_a_nul_character_is_refused_on_every_backend(node) -> None:
    """PostgreSQL text cannot hold NUL: the person is told, instead of a server error."""
    jz = node
    fan = who(jz, PUBLIC[0])
    with pytest.raises(InputError) as caught:
        jz.create_campaign(spec(title="Fans\x00"), actor=who(jz, KARIM))
    assert caught.value.context["field"] == "title"
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    item = jz.campaign_next(c["id"], actor=fan)["item"]["id"]
    with pytest.raises(InputError) as caught:
        jz.campaign_answer(c["id"], item, "tickets", "n1", credit="Salma\x00", actor=fan)
    assert caught.value.context["field"] == "credit"
    with pytest.raises(InputError) as caught:
        jz.report("dataset", "hcp/fans", "spam", note="look\x00", actor=fan)
    assert caught.value.context["field"] == "note"
    cid = hide(jz)
    with pytest.raises(InputError) as caught:
        jz.moderate(cid, "remove", "insults\x00", actor=who(jz, KARIM))
    assert caught.value.context["field"] == "reason"
    jz.moderate(cid, "remove", "insults", actor=who(jz, KARIM))
    with pytest.raises(InputError) as caught:
        jz.appeal(cid, "quotes\x00", actor=who(jz, YOUSSEF))
    assert caught.value.context["field"] == "text"


def _reads(jz, actor) -> dict[str, bool]:
    """Whether `actor` gets hcp/fans through each way a dataset is read or described."""
    from jazari.catalog import standards
    from jazari.errors import Unauthenticated

    ways = {
        "list": lambda: "hcp/fans" in [d["dataset"] for d in jz.datasets(actor=actor)] or None,
        "dcat": lambda: "hcp/fans" in str(standards.dcat_catalog(jz.datasets(actor=actor), "http://x")) or None,
        "info": lambda: jz.dataset("hcp/fans", actor=actor), "versions": lambda: jz.versions("hcp/fans", actor=actor),
        "version": lambda: jz.version("hcp/fans", 1, actor=actor), "rows": lambda: jz.rows("hcp/fans", actor=actor),
        "load": lambda: jz.load("hcp/fans", actor=actor),
        "export": lambda: jz.export("hcp/fans", jz.settings.tmp_dir / "x.csv", fmt="csv", actor=actor),
        "query": lambda: jz.query('SELECT count(*) FROM "hcp/fans"', actor=actor),
        "card": lambda: jz.data_card("hcp/fans", actor=actor), "croissant": lambda: jz.croissant("hcp/fans", 1, actor=actor),
        "datapackage": lambda: jz.datapackage("hcp/fans", 1, actor=actor),
    }
    out = {}
    for name, way in ways.items():
        try:
            out[name] = way() is not None
        except (NotFound, Forbidden, Unauthenticated):
            out[name] = False
    return out


def test_a_hidden_dataset_is_gone_from_every_way_of_reading_it(node) -> None:
    jz = node
    fan, omar, amina = who(jz, PUBLIC[6]), who(jz, OMAR), who(jz, AMINA)
    assert all(_reads(jz, fan).values()) and all(_reads(jz, Actor.anonymous()).values())
    hide(jz)
    for outsider in (fan, omar, Actor.anonymous()):
        assert not any(_reads(jz, outsider).values()), _reads(jz, outsider)
    assert all(_reads(jz, amina).values()) and all(_reads(jz, OP).values())


def test_a_hidden_description_is_not_found_by_search(node) -> None:
    jz = node
    jz.set_metadata("hcp/fans", {"description": {"fr": "Messages avec des insultes grossières"}}, actor=OP)
    hide(jz, "description", "hcp/fans")
    anonymous = Actor.anonymous()
    hits = jz.search("fan", actor=anonymous)["results"]
    assert hits and all("insultes" not in (h.get("description") or "") for h in hits)
    assert jz.search("grossières", actor=anonymous)["results"] == []


def test_reports_at_the_same_moment_count_each_person_once(node) -> None:
    """Three people report at once, one of them from two devices: one content, three open reports,
    hidden once, no error (SQLite and PostgreSQL)."""
    from tests.governance.test_concurrency import kinds, race

    jz = node
    people = [who(jz, e) for e in (PUBLIC[0], PUBLIC[0], PUBLIC[1], PUBLIC[2])]
    results = race(*[lambda a=a: jz.report("dataset", "hcp/fans", "offensive", actor=a) for a in people])
    assert kinds(results) == {"ok": 4}, results
    queue = jz.reports(actor=OP)
    assert [(c["state"], c["open_reports"]) for c in queue] == [("hidden", 3)]
    assert sum(e["action"] == "moderation.hide" for e in jz.audit(actor=OP, limit=500)) == 1
