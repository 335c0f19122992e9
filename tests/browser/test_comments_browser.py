"""The discussion in a real browser, on the demo's public dataset of mountain communes: a comment
written in Arabic on the Arabic page, posted with htmx (the section alone is replaced, and the text
reads right to left), then reported by someone else, who reads the seed's message in Arabic."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Server, sign_in

DATASET = "hcp/communes-montagne-noms"
RESEARCHER = "researcher@um5.ma"
STEWARD = "steward@hcp.ma"
TEXT = "اسم جماعة تاونزة مكتوب خطأ في العمود الثالث، والمصدر الأفضل هو إحصاء 2024."


def test_a_comment_in_arabic_posted_then_reported(site: Any, server: Server) -> None:
    sign_in(site, server, RESEARCHER)
    site.goto(f"{server.url}/datasets/{DATASET}?lang=ar")
    assert site.evaluate("document.documentElement.dir") == "rtl"
    site.evaluate("window.__kept = true")  # gone if the whole page were loaded again
    site.fill("#comment-body", TEXT)
    site.locator(".comment-form button[type=submit]").click()
    body = site.locator(".comment-body", has_text=TEXT)
    body.wait_for()
    assert site.evaluate("window.__kept === true")  # htmx replaced the discussion only
    assert body.get_attribute("dir") == "auto"
    assert body.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert "نُشر تعليقك." in site.locator("#discussion .flash").inner_text()
    mine = next(c for c in server.jz.comments(DATASET)["comments"] if c["body"] == TEXT)
    comment = site.locator(f"#comment-{mine['id']}")
    assert comment.locator("details.report").count() == 0  # one does not report oneself
    # someone else reports it: the message comes back in Arabic, in the discussion
    site.context.clear_cookies()
    sign_in(site, server, STEWARD)
    site.goto(f"{server.url}/datasets/{DATASET}?lang=ar")
    comment = site.locator(f"#comment-{mine['id']}")
    comment.locator("details.report summary").click()
    comment.locator("select[name=reason]").select_option("wrong")
    comment.locator("textarea[name=note]").fill("الاسم صحيح في الإحصاء")
    comment.locator("details.report button[type=submit]").click()
    site.wait_for_selector("#discussion .flash")
    assert "سيُحجب هذا التعليق تلقائيًا" in site.locator("#discussion .flash").inner_text()
    queue = server.jz.reports(include_decided=True)
    entry = next(c for c in queue if c["kind"] == "comment" and c["ref"] == str(mine["id"]))
    assert entry["open_reports"] == 1 and entry["texts"][0]["text"] == TEXT
