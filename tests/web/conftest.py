"""A node with two institutes, their members and one dataset, served in-process; one browser
(cookie jar) per person."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import jazari
from jazari.api.app import create_app
from tests.files import communes_csv

PASSWORD = "correct horse battery"
PEOPLE = {  # email: (name, institute, role)
    "admin@hcp.ma": ("Salma Admin", "hcp", "admin"),
    "karim@hcp.ma": ("Karim Steward", "hcp", "steward"),
    "amina@hcp.ma": ("Amina Viewer", "hcp", "viewer"),
    "omar@dgsn.ma": ("Omar Outsider", "dgsn", "viewer"),
}
CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_of(html: str, action: str | None = None) -> str:
    """The CSRF token of a page's forms (of the form posting to `action`, if given)."""
    if action is not None:
        html = html[html.index(f'action="{action}"'):]
    found = CSRF.search(html)
    assert found, "the page has no form with a csrf_token"
    return found.group(1)


@pytest.fixture
def node(tmp_path: Path, database_url: str) -> Iterator[jazari.Jazari]:
    jz = jazari.open(tmp_path / "home", database_url=database_url, env="test")
    operator = jz.actor
    jz.accounts.add_institute(operator, "hcp", names={"fr": "Haut-Commissariat au Plan", "ar": "المندوبية السامية للتخطيط"})
    jz.accounts.add_institute(operator, "dgsn", names={"fr": "Sûreté nationale"})
    for email, (name, institute, role) in PEOPLE.items():
        jz.accounts.add_user(operator, email, name, password=PASSWORD, locale="en")
        jz.accounts.add_member(operator, institute, email, role)
    jz.accounts.add_user(operator, "nadia@hcp.ma", "Nadia New", password=PASSWORD, locale="ar")
    jz.ingest(communes_csv(tmp_path / "communes.csv"), "hcp/communes", title="Communes")
    yield jz
    jz.close()


@pytest.fixture
def browser(node: jazari.Jazari) -> Callable[..., TestClient]:
    """`browser()` a signed-out browser; `browser("karim@hcp.ma")` one signed in as Karim. They ask
    for English pages, as the assertions are in English (tests/web/test_i18n.py checks the others)."""
    app = create_app(node, workers=False)

    def make(email: str | None = None, password: str = PASSWORD) -> TestClient:
        client = TestClient(app, follow_redirects=False, headers={"accept-language": "en"})
        if email is not None:
            response = sign_in(client, email, password)
            assert response.status_code == 303, response.text
        return client

    return make


def sign_in(client: TestClient, email: str, password: str = PASSWORD, next_url: str = "/") -> object:
    """Fill in the sign-in form as a browser does (its CSRF cookie and field)."""
    form = client.get("/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": csrf_of(form.text, "/sign-in"),
                                         "next": next_url})


def events(node: jazari.Jazari) -> int:
    """How many audit events the node holds (every change of rights writes one)."""
    return len(node.audit(limit=10_000))
