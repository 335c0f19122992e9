"""The collective pages in a real browser, on the demo's campaigns: answering with keys 1-9, a retried
answer counted once, a span selected with the keyboard, a translation, a report read in Arabic, the
manager page's chart, the moderation queue's restore, and the contributor page on a phone."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from jazari.demo_campaigns import COMMUNES_SPEC, FANS_SPEC
from jazari.governance.actors import Actor
from jazari.store.database import utcnow
from tests.browser.conftest import Server, shoot, sign_in

RESEARCHER = "researcher@um5.ma"  # an account of another institute: public campaigns take anyone
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def demo_campaign(server: Server, dataset: str) -> int:
    """The demo's campaign over `dataset` (the tests add others over the same dataset)."""
    titles = {COMMUNES_SPEC["title"], FANS_SPEC["title"]}
    return next(c["id"] for c in server.jz.campaigns(manage=True) if c["dataset"] == dataset and c["title"] in titles)


def answers_of(server: Server, campaign: int, email: str) -> int:
    people = server.jz.campaign_status(campaign)["contributors"]
    return next((p["answers"] for p in people if p["contributor"] == email), 0)


def item_id(page: Any) -> str:
    return page.locator("#answer-form input[name=item]").get_attribute("value")


def extra_campaign(server: Server, **spec: Any) -> int:
    """A campaign over the demo's fans' messages (the operator makes it), open to anyone."""
    base = {"dataset": "um5/messages-supporters", "key_field": "id", "contributors": "public", "gold_rate": 0.0,
            "instructions": {"fr": "Faites la tâche.", "ar": "أنجز المهمة.", "en": "Do the task."}}
    return server.jz.create_campaign({**base, **spec})["id"]


def test_keys_answer_and_a_retry_counts_once(site: Any, server: Server) -> None:
    fans = demo_campaign(server, "um5/messages-supporters")
    sign_in(site, server, RESEARCHER)
    site.goto(f"{server.url}/campaigns/{fans}?lang=en")
    assert site.locator(".labels [data-key='6']").is_visible()
    assert UUID4.match(site.locator("[data-answer-id]").input_value())  # crypto.randomUUID()
    before, first = answers_of(server, fans, RESEARCHER), item_id(site)
    site.keyboard.press("1")
    site.wait_for_function(f"document.querySelector('#answer-form input[name=item]').value !== '{first}'")
    assert answers_of(server, fans, RESEARCHER) == before + 1
    shoot(site, "campaign-contributor")
    # the same answer sent twice (a double click, a retry after a lost response) is counted once
    statuses = site.evaluate("""async () => {
        const form = document.getElementById('answer-form');
        const body = new URLSearchParams(new FormData(form));
        body.append('value', 'tickets');
        const send = () => fetch(form.action, {method: 'POST', body, headers: {'HX-Request': 'true'}});
        return [(await send()).status, (await send()).status];
    }""")
    assert statuses == [200, 200]
    assert answers_of(server, fans, RESEARCHER) == before + 2


def test_a_span_selected_with_the_keyboard(site: Any, server: Server) -> None:
    cid = extra_campaign(server, title="Lieux et objets", type="spans", text_field="message",
                         labels=["lieu", "objet"], max_items=100)
    sign_in(site, server, RESEARCHER)
    site.goto(f"{server.url}/campaigns/{cid}?lang=en")
    text = site.locator("#span-text")
    text.focus()
    site.keyboard.press("ArrowRight")
    site.keyboard.press("Shift+ArrowRight")
    site.keyboard.press("1")
    spans = site.evaluate("JSON.parse(document.getElementById('spans-value').value)")
    assert len(spans) == 1 and spans[0]["label"] == "lieu" and spans[0]["start"] < spans[0]["end"]
    assert site.locator("#span-list li").count() == 1 and site.locator("#span-text mark").count() >= 1
    site.keyboard.press("Backspace")
    assert site.evaluate("document.getElementById('spans-value').value") == "[]"
    site.keyboard.press("ArrowRight")
    site.keyboard.press("2")
    first = item_id(site)
    text.focus()
    site.keyboard.press("Enter")
    site.wait_for_function(f"document.querySelector('#answer-form input[name=item]').value !== '{first}'")
    assert server.jz.campaign_status(cid)["answers"] == 1
    assert server.jz.campaign_status(cid)["distribution"]  # the span's tokens were counted


def test_a_translation(site: Any, server: Server) -> None:
    cid = extra_campaign(server, title="Traduire en arabe", type="translate", source_field="message",
                         source_lang="fr", target_lang="ar")
    sign_in(site, server, RESEARCHER)
    site.goto(f"{server.url}/campaigns/{cid}?lang=fr")
    first = item_id(site)
    box = site.locator("#translation")
    assert box.get_attribute("dir") == "auto"
    box.fill("أين توجد الحافلة؟")
    box.press("Control+Enter")
    site.wait_for_function(f"document.querySelector('#answer-form input[name=item]').value !== '{first}'")
    assert server.jz.campaign_status(cid)["answers"] == 1


def test_a_report_is_answered_in_arabic(site: Any, server: Server) -> None:
    communes = demo_campaign(server, "hcp/communes-montagne-noms")
    sign_in(site, server, RESEARCHER)
    site.goto(f"{server.url}/campaigns/{communes}?lang=ar")
    assert site.evaluate("document.documentElement.dir") == "rtl"
    reported = item_id(site)
    site.keyboard.press("r")
    assert site.locator("#report-box").get_attribute("open") is not None
    site.select_option("#report-reason", "wrong")
    site.fill("#report-note", "الاسم غير صحيح")
    site.locator("#report-box button[type=submit]").click()
    site.wait_for_selector(".flash")
    assert "سيُحجب هذا العنصر تلقائيًا" in site.locator(".flash").inner_text()
    assert item_id(site) != reported


def test_the_manager_page_draws_the_label_distribution(site: Any, server: Server) -> None:
    fans = demo_campaign(server, "um5/messages-supporters")
    researcher = server.jz.accounts.actor(RESEARCHER)
    got = server.jz.campaign_next(fans, actor=researcher)
    server.jz.campaign_answer(fans, got["item"]["id"], "health", "manager-test-1", actor=researcher)
    sign_in(site, server, "admin@jazari.ma")
    site.goto(f"{server.url}/campaigns/{fans}/manage?lang=en")
    site.wait_for_selector("#distribution-chart.drawn svg")
    assert site.locator("#reliability").is_visible()
    site.select_option("#method", "majority_vote")
    site.locator("form[action$='/aggregate'] button").click()
    site.wait_for_selector("#results")
    assert site.locator("#results tbody tr").count() >= 1
    site.wait_for_selector("#distribution-chart.drawn svg")
    shoot(site, "campaign-manager")


def test_the_moderation_queue_restores_a_hidden_item(site: Any, server: Server) -> None:
    jz = server.jz
    communes = demo_campaign(server, "hcp/communes-montagne-noms")
    reporters = [f"reporter{i}@mail.ma" for i in range(3)]
    known = {u["email"] for u in jz.accounts.list_users(jz.actor)}
    for email in reporters:
        if email not in known:
            jz.accounts.add_user(jz.actor, email, email.split("@")[0], password="correct horse battery")
    with jz.db.engine.begin() as conn:  # accounts a month old: their reports count fully
        for email in reporters:
            conn.execute(sa.text("UPDATE users SET created_at = :t WHERE email = :e"),
                         {"t": utcnow() - timedelta(days=30), "e": email})
    item = jz.campaign_next(communes, actor=Actor.operator())["item"]["id"]
    for email in reporters:
        jz.report("item", f"{communes}/{item}", "offensive", actor=jz.accounts.actor(email))
    assert jz.campaign_status(communes)["items"]["hidden"] >= 1
    sign_in(site, server, "admin@jazari.ma")
    site.goto(f"{server.url}/moderation?lang=en")
    card = site.locator("article.moderation-card", has_text=f"{communes}/{item}")
    assert "hidden-content" in card.get_attribute("class")
    shoot(site, "moderation")
    card.locator("textarea[name=reason]").fill("the spelling is right")
    card.locator("button[value=restore]").click()
    site.wait_for_selector(".flash")
    assert f"Restored: {communes}/{item}." in site.locator(".flash").inner_text()
    assert site.locator("article.moderation-card", has_text=f"{communes}/{item}").count() == 0


def test_the_contributor_page_on_a_phone(site: Any, server: Server) -> None:
    fans = demo_campaign(server, "um5/messages-supporters")
    site.set_viewport_size({"width": 375, "height": 740})
    sign_in(site, server, RESEARCHER)
    site.goto(f"{server.url}/campaigns/{fans}?lang=ar")
    assert site.evaluate("document.documentElement.scrollWidth") <= 375  # nothing sticks out sideways
    for button in site.locator(".labels .label-button").all():
        box = button.bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 375, box  # thumb-sized
    first = item_id(site)
    site.locator(".labels .label-button").first.click()
    site.wait_for_function(f"document.querySelector('#answer-form input[name=item]').value !== '{first}'")
