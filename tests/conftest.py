"""Shared fixtures: a fresh Jazari per test on SQLite, and on PostgreSQL when
JAZARI_TEST_DATABASE_URL is set; outbound network blocked (DESIGN rule 6)."""

from __future__ import annotations

import ipaddress
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_URL = os.environ.get("JAZARI_TEST_DATABASE_URL")
TEST_SECRETS = ("JAZARI_SECRET_KEY", "JAZARI_PRIVACY_KEY", "JAZARI_RAW_KEY")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        host = address[0]
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise OSError(f"tests may not reach {host}: no network at run time (DESIGN rule 6)")
    return _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True)
def _quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id still, at its lowest cost: the tests make and sign in hundreds of accounts."""
    from argon2 import PasswordHasher

    from jazari.governance import accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("JAZARI_") and key != "JAZARI_TEST_DATABASE_URL":
            monkeypatch.delenv(key)
    for key in TEST_SECRETS:  # env=test refuses the development defaults, as production does
        monkeypatch.setenv(key, f"test-only-{key.lower()}-0123456789abcdef")
    monkeypatch.setenv("JAZARI_CACHE_DIR", "")  # no compiled Hyperscan database left in the user's cache folder


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for one test: SQLite in tmp_path, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'jazari.db'}"
        return
    import sqlalchemy as sa

    assert PG_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def jz(tmp_path: Path, database_url: str) -> Iterator[object]:
    """A fresh node with its home in tmp_path."""
    import jazari

    node = jazari.open(tmp_path / "home", database_url=database_url, env="test")
    yield node
    node.close()
