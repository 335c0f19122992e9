"""The Actors of API tokens, remembered for a moment.

Every API request authenticates its bearer token: the token, its user, their memberships and live
grants are read from the database (four statements and a transaction), which costs more than a
contributor's answer itself (benchmarks/collective.py --submissions). A token's Actor is therefore
kept in memory for `TTL` seconds after it was read, by the SHA-256 of the token (never the token).

What this changes, and what it does not:
- a change made through this process (revoking a token, disabling an account, a role, a grant,
  a dataset: any INSERT, UPDATE or DELETE of their tables) forgets every remembered Actor when
  its transaction commits: it takes effect at the next request, as without the cache (a request
  authenticated during that very commit may keep the previous Actor, for at most `TTL` seconds);
- a change made by another process on the same database (the `jazari` command line, another
  server or worker) takes effect within `TTL` seconds;
- a token or grant that expires is refused at once: the token's expiry is checked at every use,
  and an Actor is not kept past the first expiry of its grants.
Writing when a token was last used (once a minute) changes no Actor and forgets none.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from jazari.governance.actors import Actor

TTL = 2.0  # seconds
MAX_ENTRIES = 10_000  # tokens remembered at once (all are forgotten when there would be more)
# a committed write to one of these tables may change some token's Actor
TABLES = frozenset({"api_tokens", "users", "memberships", "grants", "institutes", "datasets"})
# the SQL of such a write, whether SQLAlchemy made it or someone wrote it (`UPDATE users SET ...`)
WRITES = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:"?\w+"?\.)?"?(?:' + "|".join(sorted(TABLES))
                    + r')\b', re.IGNORECASE)
_CHANGED = "jazari.token_actors.changed"
TOKEN_USE = "jazari_token_use"  # the execution option of the write of a token's last use: changes no Actor


class TokenActors:
    """token hash -> (until, the token's expiry, Actor), forgotten on a committed change of `TABLES`."""

    def __init__(self, engine: Engine, ttl: float = TTL) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, datetime | None, Actor]] = {}
        self._lock = threading.Lock()
        event.listen(engine, "after_cursor_execute", self._executed)
        event.listen(engine, "commit", self._committed)
        event.listen(engine, "rollback", self._rolled_back)

    def get(self, digest: str, now: datetime) -> Actor | None:
        """The remembered Actor of a token, while fresh and the token has not expired."""
        found = self._entries.get(digest)
        if found is None:
            return None
        until, expires_at, actor = found
        if time.monotonic() >= until or (expires_at is not None and expires_at <= now):
            self._entries.pop(digest, None)
            return None
        return actor

    def put(self, digest: str, actor: Actor, expires_at: datetime | None, grants_until: datetime | None,
            now: datetime) -> None:
        """Remember an Actor just read (without its client address), not past its first grant's expiry."""
        ttl = self.ttl
        if grants_until is not None:
            ttl = min(ttl, (grants_until - now).total_seconds())
        if ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[digest] = (time.monotonic() + ttl, expires_at, actor)

    def clear(self) -> None:
        """Forget every remembered Actor."""
        with self._lock:
            self._entries.clear()

    # a change of the tables an Actor is read from, committed by this process, forgets them all
    @staticmethod
    def _executed(conn: Connection, _cursor: Any, statement: str, _parameters: Any, context: Any,
                  _executemany: bool) -> None:
        if statement.lstrip()[:6].upper() not in ("INSERT", "UPDATE", "DELETE"):
            return  # a read (checked first: it is most statements)
        if WRITES.match(statement) and not getattr(context, "execution_options", {}).get(TOKEN_USE):
            conn.info[_CHANGED] = True

    def _committed(self, conn: Connection) -> None:
        if conn.info.pop(_CHANGED, False):
            self.clear()

    @staticmethod
    def _rolled_back(conn: Connection) -> None:
        conn.info.pop(_CHANGED, None)
