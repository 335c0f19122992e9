"""Members, access requests and grants, access levels and the audit log in the web, each with
the refusals users meet; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.web.conftest import csrf_of, events


def _post(client, page_url: str, url: str, data: dict[str, str]):
    """Submit a form of a page as a browser does (with that page's CSRF token)."""
    page = client.get(page_url)
    assert page.status_code == 200, page.text
    return client.post(url, data={**data, "csrf_token": csrf_of(page.text)})


def test_an_institute_admin_adds_and_changes_and_removes_members(browser, node) -> None:
    admin = browser("admin@hcp.ma")
    page = admin.get("/institutes/hcp/members")
    assert page.status_code == 200 and "Haut-Commissariat au Plan" in page.text and "Add a member" in page.text
    added = _post(admin, "/institutes/hcp/members", "/institutes/hcp/members",
                  {"email": "nadia@hcp.ma", "role": "contributor"})
    assert added.status_code == 303 and added.headers["location"] == "/institutes/hcp/members"
    listed = admin.get("/institutes/hcp/members")
    assert "nadia@hcp.ma is now contributor." in listed.text and "Nadia New" in listed.text
    assert node.accounts.actor("nadia@hcp.ma").roles == {"hcp": "contributor"}
    _post(admin, "/institutes/hcp/members", "/institutes/hcp/members", {"email": "nadia@hcp.ma", "role": "steward"})
    assert node.accounts.actor("nadia@hcp.ma").roles == {"hcp": "steward"}
    removed = _post(admin, "/institutes/hcp/members", "/institutes/hcp/members/remove", {"email": "nadia@hcp.ma"})
    assert removed.status_code == 303 and node.accounts.actor("nadia@hcp.ma").roles == {}
    assert [e["action"] for e in node.audit(limit=3)] == ["member.remove", "member.add", "member.add"]


def test_a_viewer_sees_the_members_but_cannot_change_them(browser, node) -> None:
    viewer = browser("amina@hcp.ma")
    page = viewer.get("/institutes/hcp/members")
    assert page.status_code == 200 and "karim@hcp.ma" in page.text
    assert "Add a member" not in page.text and "/members/remove" not in page.text
    before = events(node)
    refused = _post(viewer, "/account", "/institutes/hcp/members", {"email": "nadia@hcp.ma", "role": "admin"})
    assert refused.status_code == 403 and "may not manage the members of hcp" in refused.text
    assert events(node) == before and node.accounts.actor("nadia@hcp.ma").roles == {}
    assert browser("omar@dgsn.ma").get("/institutes/hcp/members").status_code == 404  # not his institute
    assert browser().get("/institutes/hcp/members").status_code == 404


@pytest.mark.parametrize(("data", "status", "text"), [
    ({"email": "nadia@hcp.ma", "role": "boss"}, 400, "role must be one of"),
    ({"email": "not-an-email", "role": "viewer"}, 400, "not an email address"),
    ({"email": "ghost@hcp.ma", "role": "viewer"}, 404, "no user ghost@hcp.ma"),
])
def test_bad_member_forms_are_refused_with_a_message(browser, data, status, text) -> None:
    admin = browser("admin@hcp.ma")
    response = _post(admin, "/institutes/hcp/members", "/institutes/hcp/members", data)
    assert response.status_code == status and text in response.text


def test_request_approve_read_then_revoke(browser, node) -> None:
    omar = browser("omar@dgsn.ma")
    page = omar.get("/datasets/hcp/communes")
    assert page.status_code == 200 and "Communes" in page.text
    assert "Tanger" not in page.text and 'href="/datasets/hcp/communes/access"' in page.text
    assert "Request access" in page.text
    asked = _post(omar, "/datasets/hcp/communes/access", "/datasets/hcp/communes/access/request",
                  {"purpose": "thesis on rural migration", "intended_use": "aggregate tables", "duration_days": "60"})
    assert asked.status_code == 303 and asked.headers["location"] == "/datasets/hcp/communes/access"
    pending = omar.get("/datasets/hcp/communes/access")
    assert "Your request was sent to the stewards." in pending.text and "is pending" in pending.text

    karim = browser("karim@hcp.ma")
    queue = karim.get("/access/requests")
    assert queue.status_code == 200 and "thesis on rural migration" in queue.text and "omar@dgsn.ma" in queue.text
    request_id = node.access.requests(node.actor, status="pending")[0]["id"]
    approved = karim.post(f"/access/requests/{request_id}/approve",
                          data={"days": "30", "note": "", "csrf_token": csrf_of(queue.text)})
    assert approved.status_code == 303 and approved.headers["location"] == "/access/requests"
    assert "may read hcp/communes" in karim.get("/access/requests").text

    page = omar.get("/datasets/hcp/communes/data")  # the rows are on the data tab
    assert "Tanger" in page.text and "Request access" not in page.text
    assert "Request access" not in omar.get("/datasets/hcp/communes").text
    account = omar.get("/account")
    assert "thesis on rural migration" in account.text and "approved" in account.text
    assert "read.rows" in account.text  # his own accesses, with the purpose of the grant
    grant_id = node.access.grants(node.actor)[0]["id"]
    queue = karim.get("/access/requests")
    revoked = karim.post(f"/access/grants/{grant_id}/revoke",
                         data={"reason": "study over", "csrf_token": csrf_of(queue.text)})
    assert revoked.status_code == 303
    assert "Tanger" not in omar.get("/datasets/hcp/communes/data").text


def test_a_steward_refuses_with_a_reason_the_requester_sees(browser, node) -> None:
    omar = browser("omar@dgsn.ma")
    _post(omar, "/datasets/hcp/communes/access", "/datasets/hcp/communes/access/request",
          {"purpose": "curiosity", "intended_use": "none", "duration_days": "10"})
    request_id = node.access.requests(node.actor)[0]["id"]
    karim = browser("karim@hcp.ma")
    empty = _post(karim, "/access/requests", f"/access/requests/{request_id}/refuse", {"reason": "  "})
    assert empty.status_code == 400 and "reason is required" in empty.text
    refused = _post(karim, "/access/requests", f"/access/requests/{request_id}/refuse",
                    {"reason": "no purpose stated"})
    assert refused.status_code == 303
    account = omar.get("/account")
    assert "refused" in account.text and "no purpose stated" in account.text
    again = _post(karim, "/access/requests", f"/access/requests/{request_id}/approve", {"days": "5"})
    assert again.status_code == 409


@pytest.mark.parametrize(("data", "field"), [
    ({"purpose": "x", "intended_use": "y", "duration_days": "a month"}, "duration_days"),
    ({"purpose": "x", "intended_use": "y", "duration_days": "9999"}, "duration days"),
    ({"purpose": "", "intended_use": "y", "duration_days": "30"}, "purpose"),
    ({"purpose": "x", "intended_use": "", "duration_days": "30"}, "intended use"),
])
def test_bad_requests_name_the_field_and_change_nothing(browser, node, data, field) -> None:
    omar = browser("omar@dgsn.ma")
    response = _post(omar, "/datasets/hcp/communes/access", "/datasets/hcp/communes/access/request", data)
    assert response.status_code == 400 and field in response.text
    assert node.access.requests(node.actor) == []


def test_members_who_may_read_get_no_request_form_and_strangers_get_not_found(browser, node) -> None:
    amina = browser("amina@hcp.ma")
    page = amina.get("/datasets/hcp/communes/access")
    assert "You may read this dataset." in page.text and "/access/request" not in page.text
    node.datasets_service.update(node.actor, "hcp/communes", access_level="restricted")
    page = amina.get("/datasets/hcp/communes/access")
    assert 'action="/datasets/hcp/communes/access/request"' in page.text
    assert browser().get("/datasets/hcp/communes/access").status_code == 404  # signed out: not even seen
    assert browser("amina@hcp.ma").get("/datasets/hcp/nothing/access").status_code == 404


def test_a_steward_changes_the_access_level_and_a_viewer_cannot(browser, node) -> None:
    karim = browser("karim@hcp.ma")
    page = karim.get("/datasets/hcp/communes/access")
    assert 'name="access_level" value="restricted"' in page.text
    changed = _post(karim, "/datasets/hcp/communes/access", "/datasets/hcp/communes/access",
                    {"access_level": "restricted"})
    assert changed.status_code == 303 and node.dataset("hcp/communes")["access_level"] == "restricted"
    assert node.audit("hcp/communes", limit=1)[0]["action"] == "access.change"
    bad = _post(karim, "/datasets/hcp/communes/access", "/datasets/hcp/communes/access", {"access_level": "secret"})
    assert bad.status_code == 400 and "access level must be one of" in bad.text
    amina = browser("amina@hcp.ma")
    assert 'name="access_level"' not in amina.get("/datasets/hcp/communes/access").text
    refused = _post(amina, "/account", "/datasets/hcp/communes/access", {"access_level": "public"})
    assert refused.status_code == 403 and node.dataset("hcp/communes")["access_level"] == "restricted"


def test_stewards_see_the_dataset_audit_log_and_viewers_get_403(browser, node) -> None:
    amina = browser("amina@hcp.ma")
    amina.get("/datasets/hcp/communes/data")  # a read of institute data: audited
    karim = browser("karim@hcp.ma")
    log = karim.get("/datasets/hcp/communes/audit")
    assert log.status_code == 200 and "read.rows" in log.text and "amina@hcp.ma" in log.text
    assert "publish" in log.text
    refused = amina.get("/datasets/hcp/communes/audit")
    assert refused.status_code == 403 and "may not review hcp/communes" in refused.text
    assert browser("omar@dgsn.ma").get("/datasets/hcp/communes/audit").status_code == 403
    assert browser().get("/datasets/hcp/communes/audit").status_code == 404  # signed out: not even seen


def test_the_requests_page_needs_a_sign_in_and_shows_nothing_to_non_stewards(browser, node) -> None:
    assert browser().get("/access/requests").status_code == 401
    omar = browser("omar@dgsn.ma")
    _post(omar, "/datasets/hcp/communes/access", "/datasets/hcp/communes/access/request",
          {"purpose": "secret study", "intended_use": "y", "duration_days": "30"})
    page = browser("amina@hcp.ma").get("/access/requests")
    assert page.status_code == 200 and "secret study" not in page.text and "No request is waiting." in page.text
    nav = browser("amina@hcp.ma").get("/").text
    assert 'href="/access/requests"' not in nav
    assert 'href="/access/requests"' in browser("karim@hcp.ma").get("/").text


def test_a_requester_withdraws_from_the_account_page(browser, node) -> None:
    omar = browser("omar@dgsn.ma")
    _post(omar, "/datasets/hcp/communes/access", "/datasets/hcp/communes/access/request",
          {"purpose": "p", "intended_use": "u", "duration_days": "30"})
    request_id = node.access.requests(node.actor)[0]["id"]
    account = omar.get("/account")
    assert f'action="/access/requests/{request_id}/withdraw"' in account.text
    done = omar.post(f"/access/requests/{request_id}/withdraw", data={"csrf_token": csrf_of(account.text)})
    assert done.status_code == 303 and node.access.get_request(node.actor, request_id)["status"] == "withdrawn"


def _unlisted(node) -> bool:
    from sqlalchemy import select

    from jazari.datasets.models import Dataset

    with node.db.session() as session:
        return bool(session.scalar(select(Dataset.unlisted).where(Dataset.name == "communes")))


def test_the_listing_changes_only_when_the_form_shows_it(browser, node) -> None:
    karim = browser("karim@hcp.ma")
    url = "/datasets/hcp/communes/access"
    _post(karim, url, url, {"access_level": "institute", "listing": "shown", "unlisted": "on"})
    assert _unlisted(node)
    _post(karim, url, url, {"access_level": "restricted"})  # a form without the box: the listing stays
    assert _unlisted(node) and node.dataset("hcp/communes")["access_level"] == "restricted"
    _post(karim, url, url, {"access_level": "restricted", "listing": "shown"})  # the box unchecked
    assert not _unlisted(node)
    assert [e["details"] for e in node.audit("hcp/communes", limit=3) if "unlisted" in (e["details"] or {})] == [
        {"unlisted": False}, {"unlisted": True}]


def test_bad_addresses_get_an_error_page_not_a_crash(browser) -> None:
    karim = browser("karim@hcp.ma")
    csrf = csrf_of(karim.get("/access/requests").text)
    not_a_number = karim.post("/access/requests/abc/approve", data={"csrf_token": csrf})
    assert not_a_number.status_code == 400 and "request_id" in not_a_number.text and "<html" in not_a_number.text
    missing = karim.post("/access/requests/999/approve", data={"csrf_token": csrf, "days": "5"})
    assert missing.status_code == 404 and "no access request 999" in missing.text
    bad_name = karim.get("/datasets/HCP!/x/access")
    assert bad_name.status_code == 400 and "<html" in bad_name.text
