"""Who is acting: every service call takes an explicit Actor (DESIGN rule 2).

An Actor is built once per request (or command) from a signed-in user, a token or the local
operator, by `AccountService.actor_for`: it carries the roles, the live grants and the token's
scopes at that moment, so an expired grant or a revoked token stops working at the next request
(an API token's Actor is remembered for 2 seconds: a change made by another process takes effect
within them, see token_actors.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class GrantRef:
    """A live grant the actor holds on one dataset: its id and the declared purpose."""

    id: int
    purpose: str


@dataclass(frozen=True)
class Actor:
    """A person, a token or the local operator, with what they are (admin) and where they belong."""

    name: str
    kind: str = "user"  # operator | user | anonymous
    is_admin: bool = False
    roles: dict[str, str] = field(default_factory=dict)  # institute slug -> role
    user_id: int | None = None
    grants: dict[str, GrantRef] = field(default_factory=dict)  # dataset ref -> live grant
    scopes: frozenset[str] = frozenset({"read", "write"})  # a token may carry fewer
    client: str | None = None  # the client address, for the audit log
    via: str = "cli"  # cli | web | token | api-admin

    @classmethod
    def operator(cls, name: str = "operator") -> Actor:
        """The person at this node's command line: owns the files already, so may do anything."""
        return cls(name=f"cli:{name}", kind="operator", is_admin=True)

    @classmethod
    def anonymous(cls, client: str | None = None) -> Actor:
        """Someone signed out."""
        return cls(name="anonymous", kind="anonymous", scopes=frozenset({"read"}), client=client, via="web")

    @property
    def signed_in(self) -> bool:
        """True for everyone but the anonymous visitor."""
        return self.kind != "anonymous"

    def at(self, client: str | None, via: str | None = None) -> Actor:
        """The same actor seen from a client address (and channel)."""
        return replace(self, client=client, via=via or self.via)

    def to_dict(self) -> dict[str, Any]:
        """What a background job needs to act as this actor later (grants are re-checked then)."""
        return {"name": self.name, "kind": self.kind, "is_admin": self.is_admin, "roles": dict(self.roles),
                "user_id": self.user_id, "scopes": sorted(self.scopes), "client": self.client, "via": self.via}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Actor:
        """The inverse of `to_dict` (grants are not carried: a job re-reads them if it needs them)."""
        data = dict(data)
        data["scopes"] = frozenset(data.get("scopes", ("read", "write")))
        return cls(**data)
