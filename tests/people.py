"""People and institutes the tests make: one helper, so every test names its cast the same way."""

from __future__ import annotations

from typing import Any

from jazari.governance.actors import Actor

OP = Actor.operator()
PASSWORD = "correct horse battery"


def add_people(jz: Any, members: dict[str, dict[str, str]], *, others: tuple[str, ...] = ()) -> None:
    """Institutes named in `members` ({slug: {email: role}}), each person as a user (named after the
    part of the email before `@`) and member; `others` are users of no institute."""
    for slug in members:
        jz.accounts.add_institute(OP, slug, names={"fr": slug.upper()})
    emails = [e for people in members.values() for e in people] + list(others)
    for email in dict.fromkeys(emails):
        jz.accounts.add_user(OP, email, email.split("@")[0].title(), password=PASSWORD)
    for slug, people in members.items():
        for email, role in people.items():
            jz.accounts.add_member(OP, slug, email, role)
