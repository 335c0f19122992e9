"""The collective pages: the contributor page (sign-in, CSRF, an answer counted once, no control
truth in the HTML, bad answers named), reports with the reporter's message, the manager page
(stewards only: chart, reliability, aggregate, publish) and the moderation queue (restore, appeal)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import sqlalchemy as sa

from jazari.governance.actors import Actor
from jazari.store.database import utcnow
from tests.web.conftest import csrf_of

OP = Actor.operator()
ITEM = re.compile(r'name="item" value="(\d+)"')


def campaign(node, actor_email: str | None = None, **overrides) -> int:
    """A validate campaign over hcp/communes (institute level): is the Arabic name right? Tanger is a
    control row whose truth is `accept`."""
    spec = {"title": "Noms arabes", "type": "validate", "dataset": "hcp/communes", "key_field": "code",
            "fields": ["nom_fr"], "proposed_field": "nom_ar", "contributors": "institute",
            "gold": {"01.511.01.0": "accept"}, "gold_rate": 0.0, "min_overlap": 2, "max_overlap": 3,
            "instructions": {"fr": "Le nom arabe est-il juste ?", "ar": "هل الاسم العربي صحيح؟",
                             "en": "Is the Arabic name right?"}}
    actor = node.accounts.actor(actor_email) if actor_email else OP
    return node.create_campaign({**spec, **overrides}, actor=actor)["id"]


def answer_form(page: str) -> dict[str, str]:
    """The hidden fields of the answer form of a contributor page."""
    form = page[page.index('id="answer-form"'):]
    form = form[:form.index("</form>")]
    fields = dict(re.findall(r'name="(csrf_token|item|answer_id)" value="([^"]*)"', form))
    return fields


def test_the_contributor_page_needs_a_signed_in_contributor(node, browser) -> None:
    cid = campaign(node)
    assert browser().get(f"/campaigns/{cid}").status_code == 401
    assert browser("omar@dgsn.ma").get(f"/campaigns/{cid}").status_code == 404  # not of the institute
    assert browser("amina@hcp.ma").get("/campaigns/999").status_code == 404


def test_the_contributor_page_shows_the_item_with_keyed_labels_and_no_truth(node, browser) -> None:
    cid = campaign(node, gold_rate=0.5)  # Tanger is a control item: its page must look like any other
    amina = browser("amina@hcp.ma")
    html = amina.get(f"/campaigns/{cid}").text
    assert 'data-key="1"' in html and 'data-key="2"' in html and "<kbd>1</kbd>" in html
    assert 'dir="auto"' in html and 'name="answer_id"' in html and 'name="csrf_token"' in html
    assert "Is the Arabic name right?" in html
    assert 'name="value" value="accept"' in html and 'name="value" value="reject"' in html
    seen = []
    for _ in range(10):
        if 'id="answer-form"' not in html:
            break
        work = html[html.index('<section id="work"'):]
        assert "gold" not in work.lower() and "control" not in work.lower() and "rural" not in work
        seen.append(re.search(r'<p class="item-text big" dir="auto">(.*?)</p>', work, re.S).group(1))
        html = amina.post(f"/campaigns/{cid}/answers", data={**answer_form(html), "value": "accept"},
                          headers={"hx-request": "true"}).text
    assert "طنجة" in seen and len(seen) == 4  # the control item was shown, and nothing told it apart
    assert node.campaign_status(cid, actor=OP)["contributors"][0]["gold_answers"] == 1
    arabic = amina.get(f"/campaigns/{cid}", params={"lang": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in arabic and "هل الاسم العربي صحيح؟" in arabic


def test_an_answer_needs_the_csrf_token_and_counts_once(node, browser) -> None:
    cid = campaign(node)
    amina = browser("amina@hcp.ma")
    fields = answer_form(amina.get(f"/campaigns/{cid}").text)
    refused = amina.post(f"/campaigns/{cid}/answers", data={**fields, "csrf_token": "", "value": "accept"})
    assert refused.status_code == 403
    assert node.campaign_status(cid, actor=OP)["answers"] == 0
    first = amina.post(f"/campaigns/{cid}/answers", data={**fields, "value": "accept"})
    assert first.status_code == 303 and first.headers["location"].startswith(f"/campaigns/{cid}")
    again = amina.post(f"/campaigns/{cid}/answers", data={**fields, "value": "accept"})  # a double click
    assert again.status_code == 303
    assert node.campaign_status(cid, actor=OP)["answers"] == 1
    nxt = amina.get(f"/campaigns/{cid}").text
    assert answer_form(nxt)["item"] != fields["item"]  # the next item, never the answered one
    assert "Your answers so far: 1" in nxt


def test_htmx_gets_the_next_item_and_a_refused_answer_names_the_problem(node, browser) -> None:
    cid = campaign(node)
    amina = browser("amina@hcp.ma")
    fields = answer_form(amina.get(f"/campaigns/{cid}").text)
    htmx = {"hx-request": "true"}
    bad = amina.post(f"/campaigns/{cid}/answers", data={**fields, "value": "maybe"}, headers=htmx)
    assert bad.status_code == 400 and 'id="work"' in bad.text and "the answer must be one of accept, reject" in bad.text
    wrong_id = amina.post(f"/campaigns/{cid}/answers", data={**fields, "answer_id": "not a uuid!", "value": "accept"},
                          headers=htmx)
    assert wrong_id.status_code == 400 and "answer_id" in wrong_id.text
    missing = amina.post(f"/campaigns/{cid}/answers", data={**fields, "item": "99999", "value": "accept"})
    assert missing.status_code == 404 and "has no item 99999" in missing.text
    done = amina.post(f"/campaigns/{cid}/answers", data={**fields, "value": "reject"}, headers=htmx)
    assert done.status_code == 200 and done.text.lstrip().startswith('<section id="work"')
    assert "<html" not in done.text and answer_form(done.text)["item"] != fields["item"]


def test_spans_are_checked_against_the_text(node, browser) -> None:
    cid = campaign(node, type="spans", text_field="nom_fr", proposed_field=None, gold={}, labels=["lieu", "autre"])
    amina = browser("amina@hcp.ma")
    page = amina.get(f"/campaigns/{cid}").text
    assert 'id="span-text"' in page and 'tabindex="0"' in page and 'data-span-label="lieu"' in page
    fields = answer_form(page)
    bad = amina.post(f"/campaigns/{cid}/answers", data={**fields, "spans": "[{"})
    assert bad.status_code == 400 and "not valid JSON" in bad.text
    outside = amina.post(f"/campaigns/{cid}/answers",
                         data={**fields, "spans": json.dumps([{"start": 0, "end": 500, "label": "lieu"}])})
    assert outside.status_code == 400 and "outside the text" in outside.text
    ok = amina.post(f"/campaigns/{cid}/answers", data={**fields, "spans": json.dumps([{"start": 0, "end": 3,
                                                                                        "label": "lieu"}])})
    assert ok.status_code == 303


def test_a_translation_box_for_translate_campaigns(node, browser) -> None:
    cid = campaign(node, type="translate", source_field="nom_fr", proposed_field=None, gold={}, source_lang="fr",
                   target_lang="ar")
    amina = browser("amina@hcp.ma")
    page = amina.get(f"/campaigns/{cid}").text
    assert '<textarea id="translation" name="value"' in page and 'lang="ar"' in page
    empty = amina.post(f"/campaigns/{cid}/answers", data={**answer_form(page), "value": "   "})
    assert empty.status_code == 400 and "the translation" in empty.text
    assert amina.post(f"/campaigns/{cid}/answers", data={**answer_form(page), "value": "طنجة"}).status_code == 303


def test_a_report_shows_the_message_in_the_reporters_language(node, browser) -> None:
    cid = campaign(node)
    nadia = browser("amina@hcp.ma")
    page = nadia.get(f"/campaigns/{cid}", params={"lang": "ar"}).text
    item = ITEM.search(page).group(1)
    token = csrf_of(page, f"/campaigns/{cid}/reports")
    assert nadia.post(f"/campaigns/{cid}/reports", data={"item": item, "reason": "wrong"}).status_code == 403
    bad = nadia.post(f"/campaigns/{cid}/reports", data={"csrf_token": token, "item": item, "reason": "boring"})
    assert bad.status_code == 400 and "reason must be one of" in bad.text
    done = nadia.post(f"/campaigns/{cid}/reports", data={"csrf_token": token, "item": item, "reason": "wrong",
                                                         "note": "ce n'est pas la bonne commune"})
    assert done.status_code == 303 and f"skip={item}" in done.headers["location"]
    shown = nadia.get(done.headers["location"]).text
    assert "سيُحجب هذا العنصر تلقائيًا بعد أن يبلّغ عنه عدة أشخاص" in shown
    assert ITEM.search(shown).group(1) != item  # the reported item is skipped
    assert node.reports(mine=True, actor=node.accounts.actor("amina@hcp.ma"))[0]["reason"] == "wrong"


def test_the_manager_page_is_for_the_stewards(node, browser) -> None:
    cid = campaign(node)
    amina = node.accounts.actor("amina@hcp.ma")
    node.campaign_answer(cid, node.campaign_next(cid, actor=amina)["item"]["id"], "accept", "a-1", actor=amina)
    assert browser("amina@hcp.ma").get(f"/campaigns/{cid}/manage").status_code == 403
    assert browser("omar@dgsn.ma").get(f"/campaigns/{cid}/manage").status_code == 404
    karim = browser("karim@hcp.ma")
    page = karim.get(f"/campaigns/{cid}/manage")
    assert page.status_code == 200
    spec = re.search(r'<script type="application/json" id="spec-distribution">(.*?)</script>', page.text, re.S)
    assert spec and json.loads(spec.group(1))["data"]["values"] == [{"value": "Correct", "count": 1}]
    assert 'id="reliability"' in page.text and "amina@hcp.ma" in page.text and "Krippendorff" in page.text
    assert "/static/vendor/vega-embed.min.js" in page.text
    token = csrf_of(page.text, f"/campaigns/{cid}/aggregate")
    assert karim.post(f"/campaigns/{cid}/aggregate", data={"method": "majority_vote"}).status_code == 403
    bad = karim.post(f"/campaigns/{cid}/aggregate", data={"csrf_token": token, "method": "guess"})
    assert bad.status_code == 400 and "unknown aggregation method" in bad.text
    shown = karim.post(f"/campaigns/{cid}/aggregate", data={"csrf_token": token, "method": "majority_vote"})
    assert shown.status_code == 200 and 'id="results"' in shown.text and "Aggregated answers (majority_vote)" in shown.text
    bad_name = karim.post(f"/campaigns/{cid}/publish", data={"csrf_token": token, "dataset": "../x"})
    assert bad_name.status_code == 400
    published = karim.post(f"/campaigns/{cid}/publish", data={"csrf_token": token, "dataset": "hcp/noms-gold",
                                                               "method": "majority_vote"})
    assert published.status_code == 303
    assert "Published hcp/noms-gold version 1." in karim.get(published.headers["location"]).text
    paused = karim.post(f"/campaigns/{cid}/status", data={"csrf_token": token, "status": "paused"})
    assert paused.status_code == 303 and node.campaign(cid, actor=OP)["status"] == "paused"
    assert browser("amina@hcp.ma").get(f"/campaigns/{cid}").status_code == 409  # paused: no item


def _age(node, emails: list[str], days: int) -> None:
    with node.db.engine.begin() as conn:
        for email in emails:
            conn.execute(sa.text("UPDATE users SET created_at = :t WHERE email = :e"),
                         {"t": utcnow() - timedelta(days=days), "e": email})


def test_the_moderation_queue_restores_a_hidden_item_and_the_owner_may_appeal_a_removal(node, browser) -> None:
    cid = campaign(node, actor_email="karim@hcp.ma")  # Karim made it: he is told, and may appeal
    people = ["amina@hcp.ma", "karim@hcp.ma", "admin@hcp.ma"]
    _age(node, people, 30)
    first, second = node.campaign_next(cid, actor=OP)["item"]["id"], None
    second = node.campaign_next(cid, skip=[first], actor=OP)["item"]["id"]
    for email in people:
        node.report("item", f"{cid}/{first}", "offensive", actor=node.accounts.actor(email))
        node.report("item", f"{cid}/{second}", "spam", actor=node.accounts.actor(email))
    assert node.campaign_status(cid, actor=OP)["items"]["hidden"] == 2
    assert browser().get("/moderation").status_code == 401
    assert "Nothing is waiting for a moderator." in browser("amina@hcp.ma").get("/moderation").text
    admin = browser("admin@hcp.ma")
    page = admin.get("/moderation").text
    assert f"{cid}/{first}" in page and f"{cid}/{second}" in page and page.count("hidden-content") == 2
    queue = node.reports(actor=OP)
    token = csrf_of(page, f"/moderation/{queue[0]['id']}/decision")
    no_reason = admin.post(f"/moderation/{queue[0]['id']}/decision", data={"csrf_token": token, "decision": "restore"})
    assert no_reason.status_code == 400 and "a reason is required" in no_reason.text
    forged = admin.post(f"/moderation/{queue[0]['id']}/decision", data={"decision": "restore", "reason": "ok"})
    assert forged.status_code == 403
    done = admin.post(f"/moderation/{queue[0]['id']}/decision", data={"csrf_token": token, "decision": "restore",
                                                                      "reason": "the name is right"})
    assert done.status_code == 303 and "Restored:" in admin.get("/moderation").text
    assert node.campaign_status(cid, actor=OP)["items"]["hidden"] == 1  # the other one still waits
    admin.post(f"/moderation/{queue[1]['id']}/decision", data={"csrf_token": token, "decision": "remove",
                                                               "reason": "spam indeed"})
    karim = browser("karim@hcp.ma")
    mine = karim.get("/moderation").text
    action = f"/moderation/{queue[1]['id']}/appeal"
    assert action in mine and "spam indeed" in mine
    empty = karim.post(action, data={"csrf_token": csrf_of(mine, action), "text": " "})
    assert empty.status_code == 400
    sent = karim.post(action, data={"csrf_token": csrf_of(mine, action), "text": "this item is a real commune"})
    assert sent.status_code == 303 and "Your appeal was sent to the moderators." in karim.get("/moderation").text
    twice = karim.post(action, data={"csrf_token": csrf_of(mine, action), "text": "again"})
    assert twice.status_code == 409
    assert "this item is a real commune" in admin.get("/moderation").text  # the moderators see the appeal


def test_the_campaigns_list_and_the_menu(node, browser) -> None:
    cid = campaign(node)
    assert browser().get("/campaigns").status_code == 401
    amina = browser("amina@hcp.ma").get("/campaigns").text
    assert f'href="/campaigns/{cid}"' in amina and f"/campaigns/{cid}/manage" not in amina
    assert 'href="/campaigns"' in amina and 'href="/moderation"' not in amina
    karim = browser("karim@hcp.ma").get("/campaigns").text
    assert f'href="/campaigns/{cid}/manage"' in karim and 'href="/moderation"' in karim
