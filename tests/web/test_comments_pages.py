"""The discussion on the dataset page: read by whoever sees the dataset, posted, replied to and
deleted with and without htmx, the CSRF token required, bad input shown beside the form with the text
kept, texts escaped with `dir="auto"`, a report answered in the page's language, a hidden comment
marked for its author and gone for others, the moderation queue showing the reported text."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from jazari.store.database import utcnow
from tests.web.conftest import PASSWORD, csrf_of

PAGE = "/datasets/hcp/communes"
POST = "/datasets/hcp/communes/comments"
HTMX = {"hx-request": "true", "hx-target": "discussion"}


def discussion(html: str) -> str:
    start = html.index('<section id="discussion"')
    return html[start:html.index("</section>", start)]


def post(client, body: str, **extra):
    token = csrf_of(client.get(PAGE).text, POST)
    return client.post(POST, data={"csrf_token": token, "body": body, **extra.pop("data", {})}, **extra)


def public(node) -> None:
    node.datasets_service.update(node.actor, "hcp/communes", access_level="public")


def test_anyone_who_sees_the_dataset_reads_the_discussion(node, browser) -> None:
    public(node)
    node.comment("hcp/communes", "Le code de Tanger est-il à jour ?", actor=node.accounts.actor("amina@hcp.ma"))
    page = browser().get(PAGE)
    assert page.status_code == 200
    part = discussion(page.text)
    assert "Le code de Tanger est-il à jour ?" in part and "Amina Viewer" in part and 'dir="auto"' in part
    assert "Sign in to take part" in part and f'action="{POST}"' not in part and "Report" not in part
    assert 'href="/api/v1/datasets/hcp/communes/comments"' in page.text  # its JSON twin


def test_post_without_javascript_then_reply_and_delete_with_htmx(node, browser) -> None:
    public(node)
    amina, karim = browser("amina@hcp.ma"), browser("karim@hcp.ma")
    sent = post(amina, "<b>Une colonne</b> est fausse")
    assert sent.status_code == 303 and sent.headers["location"] == f"{PAGE}#comment-1"
    page = amina.get(sent.headers["location"])
    assert "Your comment is posted." in page.text
    assert "&lt;b&gt;Une colonne&lt;/b&gt; est fausse" in page.text and "<b>Une colonne" not in page.text
    replied = post(karim, "Merci, corrigé dans la version 2", data={"reply_to": "1"}, headers=HTMX)
    assert replied.status_code == 200 and replied.headers["x-jazari-fragment"] == "1"
    assert replied.text.lstrip().startswith('<section id="discussion"') and "Your comment is posted." in replied.text
    assert re.search(r'<ol class="comments replies"[^>]*>\s*<li id="comment-2"', replied.text)
    token = csrf_of(amina.get(PAGE).text, f"{POST}/1/delete")
    assert f'action="{POST}/2/delete"' not in discussion(amina.get(PAGE).text)  # not hers
    deleted = amina.post(f"{POST}/1/delete", data={"csrf_token": token}, headers=HTMX)
    assert deleted.status_code == 200 and "The comment is deleted." in deleted.text
    assert "This comment was deleted." in deleted.text and "Merci, corrigé" in deleted.text
    assert node.comments("hcp/communes")["count"] == 1


def test_the_csrf_token_and_a_signed_in_person_are_required(node, browser) -> None:
    public(node)
    amina = browser("amina@hcp.ma")
    forged = amina.post(POST, data={"body": "sans jeton"})
    assert forged.status_code == 403
    anonymous = browser().post(POST, data={"body": "anonyme"})
    assert anonymous.status_code == 401 and "Sign in" in anonymous.text
    assert node.comments("hcp/communes")["count"] == 0


def test_bad_input_is_shown_beside_the_form_with_the_text_kept(node, browser) -> None:
    amina = browser("amina@hcp.ma")  # hcp/communes is institute level: its members take part
    too_long = "ت" * 5001
    page = post(amina, too_long)
    assert page.status_code == 400 and 'role="tablist"' in page.text
    part = discussion(page.text)
    assert "has 5001 characters; at most 5000" in part and too_long in part  # the draft is kept
    partial = post(amina, "  ", headers=HTMX)
    assert partial.status_code == 400 and "body is required" in partial.text and "x-jazari-fragment" in partial.headers
    bad_reply = post(amina, "réponse", data={"reply_to": "77"})
    assert bad_reply.status_code == 400 and "no comment 77 under hcp/communes to reply to" in bad_reply.text


def test_outsiders_of_an_unlisted_dataset_get_not_found(node, browser) -> None:
    node.datasets_service.update(node.actor, "hcp/communes", access_level="restricted", unlisted=True)
    node.comment("hcp/communes", "interne", actor=node.accounts.actor("karim@hcp.ma"))
    omar = browser("omar@dgsn.ma")
    assert omar.get(PAGE).status_code == 404
    token = csrf_of(omar.get("/account").text)
    assert omar.post(POST, data={"csrf_token": token, "body": "je peux ?"}).status_code == 404
    assert omar.post(f"{POST}/1/report", data={"csrf_token": token, "reason": "spam"}).status_code == 404
    assert node.comments("hcp/communes")["count"] == 1


def test_a_report_is_answered_in_arabic_and_three_hide_the_comment(node, browser) -> None:
    public(node)
    node.comment("hcp/communes", "تعليق مسيء", actor=node.accounts.actor("amina@hcp.ma"))
    people = [f"fan{i}@mail.ma" for i in range(3)]
    for email in people:
        node.accounts.add_user(node.actor, email, email.split("@")[0], password=PASSWORD, locale="ar")
    with node.db.engine.begin() as conn:  # established accounts: their reports count fully
        conn.execute(sa.text("UPDATE users SET created_at = :t WHERE email LIKE 'fan%'"),
                     {"t": utcnow() - timedelta(days=30)})
    for n, email in enumerate(people):
        fan = browser(email)
        page = fan.get(PAGE, params={"lang": "ar"})
        token = csrf_of(page.text, f"{POST}/1/report")
        headers = HTMX if n else {}
        sent = fan.post(f"{POST}/1/report", data={"csrf_token": token, "reason": "offensive", "note": "شتم"},
                        headers=headers)
        if n == 0:
            assert sent.status_code == 303
            assert "سيُحجب هذا التعليق تلقائيًا" in fan.get(sent.headers["location"]).text
        else:
            assert sent.status_code == 200 and "سيُحجب هذا التعليق تلقائيًا" in sent.text
    assert "تعليق مسيء" not in browser().get(PAGE).text and "(0)" in discussion(browser().get(PAGE).text)
    mine = discussion(browser("amina@hcp.ma").get(PAGE).text)
    assert "تعليق مسيء" in mine and "hidden pending review" in mine and "hidden-content" in mine
    queue = browser("karim@hcp.ma").get("/moderation").text
    assert "تعليق مسيء" in queue and 'href="/datasets/hcp/communes#comment-1"' in queue and "شتم" in queue


def test_the_moderation_queue_escapes_reported_texts(node, browser) -> None:
    public(node)
    node.comment("hcp/communes", "<img src=x onerror=alert(1)>", actor=node.accounts.actor("amina@hcp.ma"))
    node.report("comment", "1", "spam", actor=node.accounts.actor("omar@dgsn.ma"))
    queue = browser("karim@hcp.ma").get("/moderation").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in queue and "<img src=x" not in queue


def test_the_discussion_is_paged_by_threads(node, browser, monkeypatch) -> None:
    from jazari.web import dataset

    public(node)
    monkeypatch.setattr(dataset, "COMMENT_THREADS", 2)
    for n in range(3):
        node.comment("hcp/communes", f"message {n}", actor=node.accounts.actor("amina@hcp.ma"))
    first = discussion(browser().get(PAGE).text)
    assert "message 0" in first and "message 2" not in first and "?comments=2" in first
    second = discussion(browser().get(PAGE, params={"comments": "2"}).text)
    assert "message 2" in second and "message 0" not in second and "?comments=0" in second
    assert "message 0" in discussion(browser().get(PAGE, params={"comments": "bad"}).text)
