"""Accounts: users, institutes, memberships, API tokens, web sessions, and the Actor of each.

How a person proved who they are (a password here; an institution's OIDC provider later) is an
`IdentityProvider`; everything after that (sessions, tokens, roles, grants) does not depend on it:
an OIDC provider returns a `User` from its callback and `open_session` does the rest.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from typing import Any, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from jazari.errors import Conflict, Forbidden, InputError, NotFound, RateLimited, Unauthenticated
from jazari.governance.access import can_in_institute, can_on_platform
from jazari.governance.actors import Actor, GrantRef
from jazari.governance.audit import record
from jazari.governance.models import (
    KINDS,
    LOCALES,
    REGIONS,
    ROLES,
    SCOPES,
    ApiToken,
    Grant,
    Institute,
    Membership,
    SignInFailure,
    User,
    WebSession,
)
from jazari.governance.token_actors import TOKEN_USE, TokenActors
from jazari.settings import Settings
from jazari.store.database import Base, Database, utcnow

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # used with fullmatch: `$` would let "x\n" through
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
MIN_PASSWORD = 10
TOKEN_PREFIX = "jzt_"
FAILURE_WINDOW = timedelta(minutes=15)
_hasher = PasswordHasher()
# Verified against when the account does not exist, so that an unknown email costs the same time.
_DUMMY_HASH = _hasher.hash("jazari-no-such-account")


def hash_secret(secret: str) -> str:
    """SHA-256 of a random token or session id (they carry 256 bits: no slow hash is needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    value = email.strip().lower()
    if not EMAIL.fullmatch(value):
        raise InputError(f"not an email address: {email!r}", field="email")
    return value


def check_password(password: str) -> None:
    """A password must be long enough to resist guessing."""
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters", field="password")


class IdentityProvider(Protocol):
    """Establishes who someone is. Returns the user, or raises Unauthenticated."""

    def identify(self, session: Session, credentials: dict[str, str]) -> User: ...


class PasswordProvider:
    """Email and password, checked against the argon2 hash."""

    def identify(self, session: Session, credentials: dict[str, str]) -> User:
        email = credentials.get("email", "").strip().lower()
        password = credentials.get("password", "")
        user = session.scalar(select(User).where(User.email == email))
        try:
            _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            user = None
        if user is None:
            raise Unauthenticated("wrong email or password")
        if not user.active:
            raise Unauthenticated("this account is disabled", hint="ask an administrator")
        if _hasher.check_needs_rehash(user.password_hash or ""):
            user.password_hash = _hasher.hash(password)
        return user


class AccountService:
    """Users, institutes, memberships, tokens and sessions; and the Actor of each request."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.provider: IdentityProvider = PasswordProvider()
        self.token_actors = TokenActors(db.engine)  # a token's Actor, remembered for 2 s (see token_actors.py)

    # actors --------------------------------------------------------------------------------
    def actor_for(
        self, session: Session, user: User, *, scopes: frozenset[str] = frozenset(SCOPES),
        client: str | None = None, via: str = "web",
    ) -> Actor:
        """The Actor of a user now: roles, live grants (not expired, not revoked) and scopes."""
        datasets = Base.metadata.tables["datasets"]  # by table: the datasets package sits above this one
        now = utcnow()
        grants = {}
        for grant_id, purpose, slug, name in session.execute(
            select(Grant.id, Grant.purpose, Institute.slug, datasets.c.name)
            .join(datasets, datasets.c.id == Grant.dataset_id)
            .join(Institute, Institute.id == datasets.c.institute_id)
            .where(Grant.user_id == user.id, Grant.revoked_at.is_(None), Grant.expires_at > now)
            .order_by(Grant.expires_at)
        ):
            grants[f"{slug}/{name}"] = GrantRef(grant_id, purpose)
        return Actor(
            name=user.email, kind="user", is_admin=user.is_admin,
            roles={m.institute.slug: m.role for m in user.memberships},
            user_id=user.id, grants=grants, scopes=scopes, client=client, via=via,
        )

    def actor(self, email: str, *, client: str | None = None, via: str = "cli") -> Actor:
        """The Actor of an active user by email (the CLI's `--as EMAIL`)."""
        with self.db.session() as session:
            user = self._user(session, email)
            if not user.active:
                raise Unauthenticated(f"the account {user.email} is disabled")
            return self.actor_for(session, user, client=client, via=via)

    # users ---------------------------------------------------------------------------------
    def _user(self, session: Session, email: str) -> User:
        user = session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            raise NotFound(f"no user {email}", hint="`jazari users list`", field="email")
        return user

    @staticmethod
    def _require_admin(actor: Actor, what: str) -> None:
        if not can_on_platform(actor, "administer"):
            raise Forbidden(f"{actor.name} may not {what}", hint="a platform administrator can")

    def add_user(
        self, actor: Actor, email: str, name: str, *, password: str | None = None, locale: str = "fr",
        is_admin: bool = False,
    ) -> tuple[dict[str, Any], str | None]:
        """Create an account (administrators). Returns it and, when none was given, the generated
        password, to be shown once."""
        self._require_admin(actor, "add users")
        return self._create_user(actor.name, email, name, password=password, locale=locale, is_admin=is_admin,
                                 client=actor.client)

    def _create_user(
        self, by: str, email: str, name: str, *, password: str | None, locale: str, is_admin: bool,
        client: str | None = None,
    ) -> tuple[dict[str, Any], str | None]:
        email = normalise_email(email)
        if not name.strip():
            raise InputError("a user needs a name", field="name")
        if locale not in LOCALES:
            raise InputError(f"locale must be one of {', '.join(LOCALES)}", field="locale")
        generated = None
        if password is None:
            password = generated = secrets.token_urlsafe(15)
        check_password(password)
        with self.db.session() as session:
            if session.scalar(select(User.id).where(User.email == email)) is not None:
                raise Conflict(f"a user {email} exists already", field="email")
            user = User(email=email, name=name.strip(), locale=locale, is_admin=is_admin,
                        password_hash=_hasher.hash(password))
            session.add(user)
            session.flush()
            record(session, by, "user.add", f"user:{email}", client=client, details={"is_admin": is_admin})
            return user.to_dict(), generated

    def first_admin(self, email: str, name: str, password: str | None = None) -> tuple[dict[str, Any], str | None]:
        """Create the first platform administrator (`jazari init --admin`); refused once one exists,
        except that naming the same administrator again is a no-op (init stays idempotent)."""
        with self.db.session() as session:
            same = session.scalar(select(User).where(User.email == normalise_email(email), User.is_admin.is_(True)))
            if same is not None:
                return same.to_dict(), None
            if session.scalar(select(func.count()).select_from(User).where(User.is_admin.is_(True))):
                raise Conflict("an administrator exists already",
                               hint="an administrator adds the others with `jazari users add --admin`")
        return self._create_user("cli:init", email, name, password=password, locale="fr", is_admin=True)

    def list_users(self, actor: Actor) -> list[dict[str, Any]]:
        """Every account (administrators)."""
        if not can_on_platform(actor, "inspect"):
            raise Forbidden(f"{actor.name} may not list users", hint="a platform administrator can")
        with self.db.session() as session:
            return [u.to_dict() for u in session.scalars(select(User).order_by(User.email))]

    def me(self, actor: Actor) -> dict[str, Any]:
        """The acting user's account, roles and live grants."""
        if actor.user_id is None:
            return {"name": actor.name, "kind": actor.kind, "is_admin": actor.is_admin,
                    "memberships": dict(actor.roles), "grants": {}, "scopes": sorted(actor.scopes)}
        with self.db.session() as session:
            user = session.get(User, actor.user_id)
            assert user is not None
            return {**user.to_dict(), "kind": actor.kind, "scopes": sorted(actor.scopes),
                    "grants": {ref: {"id": g.id, "purpose": g.purpose} for ref, g in actor.grants.items()}}

    def disable_user(self, actor: Actor, email: str) -> dict[str, Any]:
        """Disable an account: its sessions end and its tokens stop working (administrators)."""
        self._require_admin(actor, "disable users")
        with self.db.session() as session:
            user = self._user(session, email)
            if user.id == actor.user_id:
                raise InputError("you cannot disable your own account", field="email")
            if user.disabled_at is None:
                user.disabled_at = utcnow()
                session.execute(delete(WebSession).where(WebSession.user_id == user.id))
                record(session, actor.name, "user.disable", f"user:{user.email}", client=actor.client)
            return user.to_dict()

    def set_password(self, actor: Actor, email: str, password: str, *, current: str | None = None) -> None:
        """Change a password: one's own (knowing the current one) or anyone's (administrators)."""
        check_password(password)
        with self.db.session() as session:
            user = self._user(session, email)
            administrator = can_on_platform(actor, "administer")
            if user.id == actor.user_id and not administrator:
                self.provider.identify(session, {"email": user.email, "password": current or ""})
            elif not administrator:
                raise Forbidden(f"{actor.name} may not change the password of {user.email}")
            user.password_hash = _hasher.hash(password)
            session.execute(delete(WebSession).where(WebSession.user_id == user.id))
            record(session, actor.name, "user.password", f"user:{user.email}", client=actor.client)

    # institutes ----------------------------------------------------------------------------
    def add_institute(
        self, actor: Actor, slug: str, *, names: dict[str, str], region: str | None = None,
        kind: str | None = None,
    ) -> dict[str, Any]:
        """Create an institute (administrators)."""
        self._require_admin(actor, "add institutes")
        if not SLUG.fullmatch(slug):
            raise InputError(f"institute slug {slug!r} must be lowercase letters, digits and dashes",
                             field="slug")
        names = {k: v.strip() for k, v in names.items() if v and v.strip()}
        if set(names) - set(LOCALES) or not names:
            raise InputError("an institute needs a name in fr, ar or en", field="names")
        if region is not None:
            region = region.zfill(2)
            if region not in REGIONS:
                raise InputError(f"region must be one of the 12: {', '.join(REGIONS)}", field="region")
        if kind is not None and kind not in KINDS:
            raise InputError(f"kind must be one of {', '.join(KINDS)}", field="kind")
        with self.db.session() as session:
            existing = session.scalar(select(Institute).where(Institute.slug == slug))
            if existing is not None and existing.names():
                raise Conflict(f"an institute {slug} exists already", field="slug")
            institute = existing or Institute(slug=slug)  # one made by an early ingest gets its details
            institute.name_fr, institute.name_ar, institute.name_en = (names.get(k) for k in LOCALES)
            institute.region, institute.kind = region, kind
            session.add(institute)
            session.flush()
            record(session, actor.name, "institute.add", f"institute:{slug}", client=actor.client,
                   details={"names": names, "region": region, "kind": kind})
            return institute.to_dict()

    def list_institutes(self) -> list[dict[str, Any]]:
        """Every institute of the node (public knowledge)."""
        with self.db.session() as session:
            return [i.to_dict() for i in session.scalars(select(Institute).order_by(Institute.slug))]

    def institute(self, slug: str) -> dict[str, Any]:
        """One institute."""
        with self.db.session() as session:
            return self._institute(session, slug).to_dict()

    @staticmethod
    def _institute(session: Session, slug: str) -> Institute:
        institute = session.scalar(select(Institute).where(Institute.slug == slug))
        if institute is None:
            raise NotFound(f"no institute {slug}", hint="`jazari institutes list`", field="institute")
        return institute

    # memberships ---------------------------------------------------------------------------
    @staticmethod
    def _require_institute_admin(actor: Actor, slug: str) -> None:
        if not can_in_institute(actor, "manage_members", slug):
            raise Forbidden(f"{actor.name} may not manage the members of {slug}",
                            hint="an admin of the institute or of the platform can")

    def add_member(self, actor: Actor, institute: str, email: str, role: str) -> dict[str, Any]:
        """Give a user a role in an institute, or change it (the institute's admins)."""
        if role not in ROLES:
            raise InputError(f"role must be one of {', '.join(ROLES)}", field="role")
        self._require_institute_admin(actor, institute)
        with self.db.session() as session:
            owner = self._institute(session, institute)
            user = self._user(session, email)
            membership = session.scalar(select(Membership).where(
                Membership.user_id == user.id, Membership.institute_id == owner.id))
            before = membership.role if membership else None
            if membership is None:
                membership = Membership(user_id=user.id, institute_id=owner.id, role=role)
                session.add(membership)
            membership.role = role
            record(session, actor.name, "member.add", f"institute:{institute}", client=actor.client,
                   details={"user": user.email, "from": before, "to": role})
            return {"institute": institute, "email": user.email, "name": user.name, "role": role}

    def remove_member(self, actor: Actor, institute: str, email: str) -> dict[str, Any]:
        """Take a user out of an institute (the institute's admins)."""
        self._require_institute_admin(actor, institute)
        with self.db.session() as session:
            owner = self._institute(session, institute)
            user = self._user(session, email)
            membership = session.scalar(select(Membership).where(
                Membership.user_id == user.id, Membership.institute_id == owner.id))
            if membership is None:
                raise NotFound(f"{user.email} is not a member of {institute}", field="email")
            role = membership.role
            session.delete(membership)
            record(session, actor.name, "member.remove", f"institute:{institute}", client=actor.client,
                   details={"user": user.email, "role": role})
            return {"institute": institute, "email": user.email, "removed": role}

    def list_members(self, actor: Actor, institute: str) -> list[dict[str, Any]]:
        """The members of an institute (its members and administrators may look)."""
        if not can_in_institute(actor, "see_members", institute):
            raise NotFound(f"no institute {institute} you belong to", field="institute")
        with self.db.session() as session:
            owner = self._institute(session, institute)
            rows = session.scalars(select(Membership).where(Membership.institute_id == owner.id)).all()
            return sorted(({"institute": institute, "email": m.user.email, "name": m.user.name, "role": m.role,
                            "since": m.created_at.isoformat()} for m in rows), key=lambda m: m["email"])

    # tokens --------------------------------------------------------------------------------
    def create_token(
        self, actor: Actor, name: str, *, scopes: tuple[str, ...] = ("read",), expires_days: int | None = 90,
    ) -> tuple[dict[str, Any], str]:
        """A new API token of the acting user, with no more scopes than the actor has. The secret is
        returned once; only its hash is kept."""
        if actor.user_id is None:
            raise Forbidden("only a user account can hold tokens", hint="use --as EMAIL")
        wanted = frozenset(scopes)
        if not wanted or wanted - set(SCOPES):
            raise InputError(f"scopes must be among {', '.join(SCOPES)}", field="scopes")
        if actor.via == "token":  # a stolen token must not outlive its revocation through a child
            raise Forbidden("a token cannot create tokens",
                            hint="create them on the account page or with `jazari tokens create`")
        if "write" not in actor.scopes or not wanted <= actor.scopes:
            raise Forbidden("a token cannot be created with more scopes than its creator has")
        if expires_days is not None and not 1 <= expires_days <= 3650:
            raise InputError("a token expires after 1 to 3650 days", field="expires_days")
        if not name.strip() or len(name) > 100:
            raise InputError("a token needs a name of at most 100 characters", field="name")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.db.session() as session:
            token = ApiToken(
                user_id=actor.user_id, name=name.strip(), prefix=secret[:12], token_hash=hash_secret(secret),
                scopes=sorted(wanted),
                expires_at=utcnow() + timedelta(days=expires_days) if expires_days is not None else None,
            )
            session.add(token)
            session.flush()
            record(session, actor.name, "token.create", f"user:{actor.name}", client=actor.client,
                   details={"token": token.id, "scopes": sorted(wanted), "expires_days": expires_days})
            return _token_dict(token), secret

    def list_tokens(self, actor: Actor) -> list[dict[str, Any]]:
        """The acting user's tokens (never their secret)."""
        if actor.user_id is None:
            return []
        with self.db.session() as session:
            rows = session.scalars(select(ApiToken).where(ApiToken.user_id == actor.user_id)
                                   .order_by(ApiToken.id)).all()
            return [_token_dict(t) for t in rows]

    def revoke_token(self, actor: Actor, token_id: int) -> dict[str, Any]:
        """Revoke one of one's tokens (administrators: anyone's)."""
        if "write" not in actor.scopes:
            raise Forbidden("revoking a token needs the write scope")
        with self.db.session() as session:
            token = session.get(ApiToken, token_id)
            if token is None or (token.user_id != actor.user_id and not can_on_platform(actor, "administer")):
                raise NotFound(f"no token {token_id}", hint="`jazari tokens list`", field="token")
            if token.revoked_at is None:
                token.revoked_at = utcnow()
                record(session, actor.name, "token.revoke", f"user:{token.user.email}", client=actor.client,
                       details={"token": token.id})
            return _token_dict(token)

    def remembered_token_actor(self, secret: str, *, client: str | None = None) -> Actor | None:
        """The Actor of a bearer token authenticated in the last seconds (token_actors.py), else None:
        no database, so an async caller may ask it before it sends `authenticate_token` to a thread."""
        remembered = self.token_actors.get(hash_secret(secret), utcnow())
        return remembered.at(client) if remembered is not None else None

    def authenticate_token(self, secret: str, *, client: str | None = None) -> Actor:
        """The Actor of a bearer token; refused when unknown, revoked, expired or of a disabled user."""
        digest = hash_secret(secret)
        remembered = self.token_actors.get(digest, utcnow())
        if remembered is not None:
            return remembered.at(client)
        with self.db.session() as session:
            token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
            # The lookup is by hash; comparing the hashes again in constant time costs nothing.
            if token is None or not hmac.compare_digest(token.token_hash, digest):
                raise Unauthenticated("unknown token", hint="`jazari tokens create` makes one")
            now = utcnow()
            if token.revoked_at is not None:
                raise Unauthenticated("this token was revoked")
            if token.expires_at is not None and token.expires_at <= now:
                raise Unauthenticated("this token has expired")
            if not token.user.active:
                raise Unauthenticated("the account of this token is disabled")
            if token.last_used_at is None or now - token.last_used_at > timedelta(seconds=60):
                session.execute(update(ApiToken.__table__).where(ApiToken.id == token.id).values(last_used_at=now)
                                .execution_options(**{TOKEN_USE: True}))  # at most once a minute: reads stay reads
            actor = self.actor_for(session, token.user, scopes=frozenset(token.scopes), via="token")
            grants_until = session.scalar(select(func.min(Grant.expires_at)).where(
                Grant.user_id == token.user_id, Grant.revoked_at.is_(None), Grant.expires_at > now))
            expires_at = token.expires_at
        self.token_actors.put(digest, actor, expires_at, grants_until, now)  # once committed
        return actor.at(client)

    # web sessions --------------------------------------------------------------------------
    def sign_in(self, email: str, password: str, *, address: str | None = None) -> tuple[str, Actor]:
        """Check a password and open a session; returns the cookie value (new at every sign-in, so
        a planted session id is useless) and the Actor. Failures are rate-limited per account and
        per address, counting each attempt before its password is checked."""
        key = email.strip().lower()[:320]
        attempt = self._count_attempt(key, address)
        try:
            with self.db.session() as session:
                user = self.provider.identify(session, {"email": key, "password": password})
                session.execute(delete(SignInFailure).where(SignInFailure.id == attempt))
                return self.open_session(session, user, address=address)
        except Unauthenticated:
            raise  # the attempt stays counted as a failure
        except BaseException:
            with self.db.session() as session:
                session.execute(delete(SignInFailure).where(SignInFailure.id == attempt))
            raise

    def _count_attempt(self, email: str, address: str | None) -> int:
        """Record a sign-in attempt as a failure (until it succeeds), then count the recent ones
        with it; over a limit it is forgotten and refused. The row is committed before the count so
        that parallel attempts see each other (PostgreSQL would hide uncommitted rows)."""
        with self.db.session() as session:
            attempt = SignInFailure(email=email, address=address)
            session.add(attempt)
            session.flush()
            attempt_id = attempt.id
        since = utcnow() - FAILURE_WINDOW
        refusal = None
        with self.db.session() as session:
            recent = select(func.count()).select_from(SignInFailure).where(SignInFailure.at > since)
            if session.scalar(recent.where(SignInFailure.email == email)) > self.settings.signin_max_failures:
                refusal = "too many failed sign-ins for this account; wait 15 minutes"
            elif address and session.scalar(recent.where(SignInFailure.address == address)) > \
                    self.settings.signin_max_failures_address:
                refusal = "too many failed sign-ins from this address; wait 15 minutes"
            if refusal is not None:
                session.execute(delete(SignInFailure).where(SignInFailure.id == attempt_id))
        if refusal is not None:
            raise RateLimited(refusal)
        return attempt_id

    def open_session(self, session: Session, user: User, *, address: str | None = None) -> tuple[str, Actor]:
        """A new web session for a user whose identity a provider established."""
        secret = secrets.token_urlsafe(32)
        now = utcnow()
        session.add(WebSession(
            session_hash=hash_secret(secret), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
            expires_at=now + timedelta(hours=self.settings.session_hours), address=address,
        ))
        user.last_sign_in_at = now
        session.execute(delete(SignInFailure).where(SignInFailure.email == user.email))
        session.execute(delete(WebSession).where(WebSession.expires_at <= now))
        record(session, user.email, "sign_in", f"user:{user.email}", client=address)
        return secret, self.actor_for(session, user, client=address, via="web")

    def session_actor(self, secret: str, *, client: str | None = None) -> tuple[Actor, str] | None:
        """The Actor and CSRF token of a live session cookie, or None."""
        digest = hash_secret(secret)
        with self.db.session() as session:
            row = session.scalar(select(WebSession).where(WebSession.session_hash == digest))
            if row is None or row.expires_at <= utcnow() or not row.user.active:
                return None
            return self.actor_for(session, row.user, client=client, via="web"), row.csrf_token

    def sign_out(self, secret: str) -> None:
        """End a session."""
        with self.db.session() as session:
            session.execute(delete(WebSession).where(WebSession.session_hash == hash_secret(secret)))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _token_dict(token: ApiToken) -> dict[str, Any]:
    now = utcnow()
    state = ("revoked" if token.revoked_at else
             "expired" if token.expires_at is not None and token.expires_at <= now else "active")
    return {"id": token.id, "name": token.name, "prefix": token.prefix, "scopes": list(token.scopes),
            "created_at": _iso(token.created_at), "expires_at": _iso(token.expires_at),
            "last_used_at": _iso(token.last_used_at), "revoked_at": _iso(token.revoked_at), "state": state}
