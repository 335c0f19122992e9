"""The discussion under a dataset: post, list (threads oldest first, replies under their comment,
paged), edit and delete (a tombstone keeps the replies), bad input named, who may read and post,
the rate limit, audit; comments reported by several people are hidden from everyone but their author
and the moderators, restored or removed, and appealed once; the moderation queue shows what was
reported (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from jazari.errors import Conflict, Forbidden, InputError, NotFound, RateLimited, Unauthenticated
from jazari.governance.actors import Actor
from tests.collective.conftest import AMINA, KARIM, OMAR, OP, PUBLIC, YOUSSEF, spec, who

FANS = "hcp/fans"


def bodies(listing: dict) -> list:
    """The discussion as (body, [reply bodies]) pairs, in the order shown."""
    return [(c["body"], [r["body"] for r in c["replies"]]) for c in listing["comments"]]


def test_post_reply_list_edit_and_delete(node) -> None:
    jz = node
    fan, karim = who(jz, PUBLIC[0]), who(jz, KARIM)
    first = jz.comment(FANS, "  La colonne truth est vide pour m5 à m11.  ", actor=fan)
    assert first["body"] == "La colonne truth est vide pour m5 à m11." and first["author"] == "Fan0" and first["mine"]
    second = jz.comment(FANS, "Une meilleure source : le rapport de la CAF.", actor=who(jz, PUBLIC[1]))
    answer = jz.comment(FANS, "Oui : seules les lignes de contrôle en ont une.", reply_to=first["id"], actor=karim)
    again = jz.comment(FANS, "Merci !", reply_to=answer["id"], actor=fan)  # a reply to a reply joins the thread
    assert again["reply_to"] == first["id"]
    listing = jz.comments(FANS, actor=Actor.anonymous())
    assert bodies(listing) == [
        ("La colonne truth est vide pour m5 à m11.", ["Oui : seules les lignes de contrôle en ont une.", "Merci !"]),
        ("Une meilleure source : le rapport de la CAF.", [])]
    assert (listing["threads"], listing["count"], listing["has_more"], listing["may_post"]) == (2, 4, False, False)
    assert "fan0@mail.ma" not in str(listing)  # names, not emails
    # paging counts threads: a page of one holds the first thread with its replies
    page = jz.comments(FANS, limit=1, actor=fan)
    assert bodies(page)[0][0].startswith("La colonne") and page["has_more"] and page["may_post"]
    assert bodies(jz.comments(FANS, offset=1, limit=1, actor=fan)) == [(second["body"], [])]
    # edit one's own; not another's
    edited = jz.comment_edit(FANS, first["id"], "La colonne truth est vide pour 8 lignes.", actor=fan)
    assert edited["edited_at"] and edited["body"].endswith("8 lignes.")
    with pytest.raises(Forbidden):
        jz.comment_edit(FANS, first["id"], "rien", actor=karim)  # not even a moderator
    with pytest.raises(Forbidden):
        jz.comment_delete(FANS, second["id"], actor=fan)
    # the author deletes: a tombstone keeps the replies; without replies nothing is left to show
    jz.comment_delete(FANS, first["id"], actor=fan)
    jz.comment_delete(FANS, second["id"], actor=karim)  # a moderator of hcp deletes any comment
    listing = jz.comments(FANS, actor=who(jz, OMAR))
    assert bodies(listing) == [(None, ["Oui : seules les lignes de contrôle en ont une.", "Merci !"])]
    tomb = listing["comments"][0]
    assert tomb["deleted"] and tomb["author"] is None and not tomb["may_reply"]
    assert (listing["threads"], listing["count"]) == (1, 2)
    with pytest.raises(NotFound):
        jz.comment_delete(FANS, first["id"], actor=fan)  # gone already
    with pytest.raises(Conflict):  # a reply to a reply joins its thread, whose head was deleted
        jz.comment(FANS, "et ?", reply_to=answer["id"], actor=fan)
    events = [e for e in jz.audit(FANS, actor=OP, limit=100) if e["action"].startswith("comment.")]
    assert sorted({e["action"] for e in events}) == ["comment.create", "comment.delete", "comment.edit"]
    assert "CAF" not in str(events) and "truth" not in str(events)  # the audit log keeps no text
    assert {e["details"]["by"] for e in events if e["action"] == "comment.delete"} == {"author", "moderator"}


@pytest.mark.parametrize(("body", "field"), [
    ("", "body"), ("   \n ", "body"), ("x" * 5001, "body"), ("col\x00umn", "body"), (42, "body"), (None, "body"),
])
def test_bad_bodies_are_refused_with_the_field_named(node, body, field) -> None:
    jz = node
    with pytest.raises(InputError) as caught:
        jz.comment(FANS, body, actor=who(jz, PUBLIC[0]))
    assert caught.value.context["field"] == field
    assert jz.comments(FANS, actor=OP)["count"] == 0


def test_the_longest_comment_and_arabic_text_are_kept_as_given(node) -> None:
    jz = node
    long = "ب" * 5000
    assert jz.comment(FANS, long, actor=who(jz, PUBLIC[0]))["body"] == long
    darija = "الأعمدة فيها غلط، شوف الصف 3"
    assert jz.comment(FANS, darija, actor=who(jz, PUBLIC[1]))["body"] == darija


def test_bad_targets_are_refused(node, tmp_path) -> None:
    jz = node
    fan = who(jz, PUBLIC[0])
    with pytest.raises(NotFound):
        jz.comment("hcp/nothing", "hello", actor=fan)
    with pytest.raises(NotFound):
        jz.comments("hcp/nothing", actor=fan)
    with pytest.raises(InputError):
        jz.comments("not a name", actor=fan)
    from tests.files import write_csv

    jz.ingest(write_csv(tmp_path / "other.csv", ["a"], [["1"]]), "hcp/other")
    jz.datasets_service.update(OP, "hcp/other", access_level="public")
    elsewhere = jz.comment("hcp/other", "ailleurs", actor=fan)
    for reply_to in (elsewhere["id"], 999_999, "douze", 0, -3, 2**40, True):
        with pytest.raises(InputError) as caught:
            jz.comment(FANS, "réponse", reply_to=reply_to, actor=fan)
        assert caught.value.context["field"] == "reply_to", reply_to
    with pytest.raises(NotFound):
        jz.comment_edit(FANS, elsewhere["id"], "x", actor=fan)  # the comment is under another dataset
    with pytest.raises(NotFound):
        jz.comment_delete(FANS, elsewhere["id"], actor=fan)
    for offset, limit in ((-1, 10), (0, 0), (0, 201), ("1", 10)):
        with pytest.raises(InputError):
            jz.comments(FANS, offset=offset, limit=limit, actor=fan)


def test_who_may_read_and_post(node) -> None:
    jz = node
    jz.datasets_service.update(OP, FANS, access_level="restricted", unlisted=True)
    amina, omar = who(jz, AMINA), who(jz, OMAR)
    made = jz.comment(FANS, "Question pour les responsables", actor=amina)  # a viewer of hcp sees it
    for outsider in (omar, who(jz, PUBLIC[0]), Actor.anonymous()):  # they cannot see the dataset: not found
        with pytest.raises(NotFound):
            jz.comments(FANS, actor=outsider)
        with pytest.raises(NotFound):
            jz.comment(FANS, "je peux ?", actor=outsider)
    for outsider in (omar, who(jz, PUBLIC[0])):
        with pytest.raises(NotFound):
            jz.report("comment", str(made["id"]), "spam", actor=outsider)
    jz.datasets_service.update(OP, FANS, access_level="public", unlisted=False)
    assert jz.comments(FANS, actor=Actor.anonymous())["count"] == 1
    with pytest.raises(Unauthenticated):
        jz.comment(FANS, "anonyme", actor=Actor.anonymous())
    reader = Actor(name=PUBLIC[0], user_id=1, scopes=frozenset({"read"}))
    assert jz.comments(FANS, actor=reader)["count"] == 1
    with pytest.raises(Forbidden):
        jz.comment(FANS, "avec un jeton de lecture", actor=reader)


def test_comments_are_rate_limited_per_person(node) -> None:
    jz = node
    jz.settings.comments_per_hour = 3
    fan = who(jz, PUBLIC[0])
    for n in range(3):
        jz.comment(FANS, f"message {n}", actor=fan)
    with pytest.raises(RateLimited):
        jz.comment(FANS, "un de trop", actor=fan)
    jz.comment(FANS, "une autre personne", actor=who(jz, PUBLIC[1]))  # the limit is per person
    assert jz.comments(FANS, actor=OP)["count"] == 4


def report_by(jz, comment: int, people: list[str], reason: str = "offensive") -> None:
    for email in people:
        jz.report("comment", str(comment), reason, actor=who(jz, email))


def test_three_reporters_hide_a_comment_from_all_but_its_author_and_the_moderators(node) -> None:
    jz = node
    author = PUBLIC[0]
    bad = jz.comment(FANS, "Des insultes", actor=who(jz, author))
    jz.comment(FANS, "Une réponse", reply_to=bad["id"], actor=who(jz, PUBLIC[5]))
    jz.comment(FANS, "Un autre sujet", actor=who(jz, PUBLIC[6]))
    report_by(jz, bad["id"], PUBLIC[1:3])
    assert jz.comments(FANS, actor=Actor.anonymous())["count"] == 3  # two people are not enough
    report_by(jz, bad["id"], PUBLIC[3:4])
    for other in (Actor.anonymous(), who(jz, OMAR), who(jz, PUBLIC[5]), who(jz, AMINA)):
        listing = jz.comments(FANS, actor=other)
        assert bodies(listing) == [("Un autre sujet", [])], other.name  # nothing: no body, not counted
        assert (listing["threads"], listing["count"]) == (1, 1)
    for insider in (who(jz, author), who(jz, KARIM), OP):
        shown = jz.comments(FANS, actor=insider)["comments"][0]
        assert shown["body"] == "Des insultes" and shown["hidden"] is True and not shown["may_reply"]
    with pytest.raises(Conflict):
        jz.comment_edit(FANS, bad["id"], "Des compliments", actor=who(jz, author))
    with pytest.raises(InputError):  # others cannot reply to what they do not see
        jz.comment(FANS, "?", reply_to=bad["id"], actor=who(jz, PUBLIC[7]))
    with pytest.raises(NotFound):
        jz.report("comment", str(bad["id"]), "spam", actor=who(jz, PUBLIC[7]))
    queue = jz.reports(actor=who(jz, KARIM))
    assert [(c["kind"], c["ref"], c["state"], c["owner"]) for c in queue] == [
        ("comment", str(bad["id"]), "hidden", author)]
    assert queue[0]["texts"] == [{"field": "comment", "lang": None, "text": "Des insultes"}]
    assert queue[0]["link"] == f"/datasets/{FANS}#comment-{bad['id']}"
    assert jz.reports(actor=who(jz, OMAR)) == []  # another institute's steward does not moderate it
    told = jz.notifications(actor=who(jz, author))
    assert told and told[0]["kind"] == "moderation.hidden"


def test_the_replies_withheld_with_a_hidden_comment_are_not_there_for_others(node) -> None:
    jz = node
    bad = jz.comment(FANS, "Des insultes", actor=who(jz, PUBLIC[0]))
    reply = jz.comment(FANS, "Une réponse", reply_to=bad["id"], actor=who(jz, PUBLIC[5]))
    report_by(jz, bad["id"], PUBLIC[1:4])
    outsider = who(jz, PUBLIC[7])
    # the same answers as for a comment that never was: nothing learnt of the reply or of the hiding
    with pytest.raises(NotFound):
        jz.comment_delete(FANS, reply["id"], actor=outsider)
    with pytest.raises(NotFound):
        jz.comment_edit(FANS, reply["id"], "?", actor=outsider)
    with pytest.raises(NotFound):
        jz.report("comment", str(reply["id"]), "spam", actor=outsider)
    with pytest.raises(InputError, match="to reply to") as refused:
        jz.comment(FANS, "?", reply_to=reply["id"], actor=outsider)
    assert "hidden" not in refused.value.message
    # its author still edits and deletes it; a moderator still sees and reports it
    assert jz.comment_edit(FANS, reply["id"], "Une réponse, corrigée", actor=who(jz, PUBLIC[5]))["body"].endswith(
        "corrigée")
    assert jz.comments(FANS, actor=who(jz, KARIM))["comments"][0]["replies"][0]["id"] == reply["id"]
    jz.report("comment", str(reply["id"]), "spam", actor=who(jz, KARIM))
    assert jz.comment_delete(FANS, reply["id"], actor=who(jz, PUBLIC[5]))["deleted"]


def test_one_person_with_many_new_accounts_cannot_hide_a_comment(node) -> None:
    jz = node
    comment = jz.comment(FANS, "Un avis qui déplaît", actor=who(jz, PUBLIC[0]))
    socks = [f"sock{i}@mail.ma" for i in range(8)]
    for email in socks:
        jz.accounts.add_user(OP, email, "sock", password="correct horse battery")
    report_by(jz, comment["id"], [PUBLIC[1], *socks])
    assert jz.comments(FANS, actor=Actor.anonymous())["count"] == 1
    entry = jz.reports(actor=OP)[0]
    assert entry["state"] == "visible" and entry["open_reports"] == 9
    assert {r["weight"] for r in entry["reports"] if r["reporter"] in socks} == {0.2}


def test_a_moderator_restores_or_removes_and_the_author_appeals_once(node) -> None:
    jz = node
    author = who(jz, PUBLIC[0])
    kept = jz.comment(FANS, "Une critique juste", actor=author)
    gone = jz.comment(FANS, "Un numéro de téléphone : 0612345678", actor=author)
    report_by(jz, kept["id"], PUBLIC[1:4])
    report_by(jz, gone["id"], PUBLIC[1:3], reason="personal_data")  # two are enough for personal data
    assert jz.comments(FANS, actor=Actor.anonymous())["count"] == 0
    ids = {c["ref"]: c["id"] for c in jz.reports(actor=OP)}
    with pytest.raises(NotFound):
        jz.moderate(ids[str(kept["id"])], "restore", "ok", actor=who(jz, OMAR))
    restored = jz.moderate(ids[str(kept["id"])], "restore", "une critique, pas une insulte", actor=who(jz, KARIM))
    assert restored["state"] == "restored"
    removed = jz.moderate(ids[str(gone["id"])], "remove", "donnée personnelle", actor=who(jz, KARIM))
    assert removed["state"] == "removed"
    assert bodies(jz.comments(FANS, actor=Actor.anonymous())) == [("Une critique juste", [])]
    mine = jz.comments(FANS, actor=author)["comments"]
    assert [(c["body"], c["hidden"]) for c in mine] == [("Une critique juste", False),
                                                       ("Un numéro de téléphone : 0612345678", True)]
    told = jz.notifications(actor=author)
    assert [n["kind"] for n in told[:2]] == ["moderation.removed", "moderation.restored"]
    assert told[0]["details"]["may_appeal"] is True
    for other in (PUBLIC[4], YOUSSEF):  # not the author (not even a contributor of the institute)
        with pytest.raises(NotFound):
            jz.appeal(ids[str(gone["id"])], "s'il vous plaît", actor=who(jz, other))
    appealed = jz.appeal(ids[str(gone["id"])], "c'est le numéro du standard du club", actor=author)
    assert appealed["status"] == "open"
    with pytest.raises(Conflict, match="once"):
        jz.appeal(ids[str(gone["id"])], "encore", actor=author)
    granted = jz.moderate(ids[str(gone["id"])], "restore", "un numéro public", actor=who(jz, KARIM))
    assert granted["appeal"]["status"] == "granted"
    assert jz.comments(FANS, actor=Actor.anonymous())["count"] == 2
    actions = {e["action"] for e in jz.audit(actor=OP, limit=500)}
    assert {"report.create", "moderation.hide", "moderation.restore", "moderation.remove",
            "moderation.appeal"} <= actions


def test_a_deleted_comment_is_not_reported_but_its_moderation_goes_on(node) -> None:
    jz = node
    author = who(jz, PUBLIC[0])
    comment = jz.comment(FANS, "Je retire ce que j'ai dit", actor=author)
    report_by(jz, comment["id"], PUBLIC[1:4])
    jz.comment_delete(FANS, comment["id"], actor=author)
    with pytest.raises(NotFound):
        jz.report("comment", str(comment["id"]), "spam", actor=who(jz, PUBLIC[5]))
    entry = jz.reports(actor=OP)[0]
    assert entry["texts"] == [{"field": "comment", "lang": None, "text": None}]  # its text is gone
    assert jz.moderate(entry["id"], "remove", "retiré par son auteur", actor=who(jz, KARIM))["state"] == "removed"


def test_a_comment_ref_is_its_number_in_any_digits(node) -> None:
    jz = node
    comment = jz.comment(FANS, "Un commentaire", actor=who(jz, PUBLIC[0]))
    fan = who(jz, PUBLIC[1])
    first = jz.report("comment", str(comment["id"]), "spam", actor=fan)
    arabic = str(comment["id"]).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for ref in (f"00{comment['id']}", arabic, f" {comment['id']} "):
        again = jz.report("comment", ref, "spam", actor=fan)
        assert again["duplicate"] and again["content"]["ref"] == str(comment["id"])
    assert first["message"].startswith("Merci. Ce commentaire")
    for ref in ("douze", "1/2", "99999999999999"):
        with pytest.raises((InputError, NotFound)) as caught:
            jz.report("comment", ref, "spam", actor=fan)
        assert caught.value.context["field"] == "ref"


def test_the_moderation_queue_shows_what_was_reported_for_every_kind(node) -> None:
    jz = node
    jz.set_metadata(FANS, {"title": {"fr": "Messages des supporters", "ar": "رسائل المشجعين"},
                           "description": {"fr": "Des messages <b>écrits</b> pour la démo"}}, actor=OP)
    campaign = jz.create_campaign(spec(), actor=who(jz, KARIM))
    item = jz.campaign_next(campaign["id"], actor=who(jz, PUBLIC[0]))["item"]
    for kind, ref in (("dataset", FANS), ("description", FANS), ("item", f"{campaign['id']}/{item['id']}")):
        jz.report(kind, ref, "wrong", actor=who(jz, PUBLIC[0]))
    queue = {c["kind"]: c for c in jz.reports(actor=who(jz, KARIM))}
    dataset_texts = {(t["field"], t["lang"]): t["text"] for t in queue["dataset"]["texts"]}
    assert dataset_texts[("title", "ar")] == "رسائل المشجعين"
    assert dataset_texts[("description", "fr")] == "Des messages <b>écrits</b> pour la démo"  # escaped by pages
    assert {t["field"] for t in queue["description"]["texts"]} == {"description"}
    assert [t["text"] for t in queue["item"]["texts"]] == [item["payload"]["text"]]
    assert queue["dataset"]["link"] == f"/datasets/{FANS}" and queue["item"]["link"] is None
    assert all("texts" not in r for r in jz.reports(actor=who(jz, PUBLIC[0]), mine=True))  # reporters: no texts


def test_youssef_a_contributor_is_no_moderator_of_comments(node) -> None:
    jz = node
    comment = jz.comment(FANS, "Un commentaire", actor=who(jz, PUBLIC[0]))
    with pytest.raises(Forbidden):
        jz.comment_delete(FANS, comment["id"], actor=who(jz, YOUSSEF))
    report_by(jz, comment["id"], PUBLIC[1:4])
    shown = jz.comments(FANS, actor=who(jz, YOUSSEF))
    assert shown["count"] == 0  # hidden: a contributor of the institute is not a moderator
