"""Who is acting: every service call takes an explicit Actor (DESIGN rule 2)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """A person, a token or the local operator, with what they are (admin) and where they belong."""

    name: str
    kind: str = "user"  # operator | user | anonymous
    is_admin: bool = False
    roles: dict[str, str] = field(default_factory=dict)  # institute slug -> role

    @classmethod
    def operator(cls, name: str = "operator") -> Actor:
        """The person at this node's command line: owns the files already, so may do anything."""
        return cls(name=f"cli:{name}", kind="operator", is_admin=True)

    @classmethod
    def anonymous(cls) -> Actor:
        """Someone signed out."""
        return cls(name="anonymous", kind="anonymous")

    @property
    def signed_in(self) -> bool:
        """True for everyone but the anonymous visitor."""
        return self.kind != "anonymous"
