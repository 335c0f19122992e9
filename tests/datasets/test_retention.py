"""The raw zone: originals are encrypted at rest, read back only by the owner's stewards (audited),
purged at the end of their retention (shared originals when the last version expires), and versions
past their register retention are flagged; on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from jazari.datasets.models import Version
from jazari.datasets.retention import RetentionScheduler
from jazari.errors import Forbidden, NotFound
from jazari.governance.actors import Actor
from jazari.privacy.policy import PrivacyPolicy
from jazari.store.blobs import BlobStore
from jazari.store.database import utcnow
from tests.datasets.test_privacy_ingest import POLICY, ROWS, people
from tests.files import COMMUNES, communes_csv
from tests.governance.test_register import ENTRY

STEWARD = Actor(name="karim@hcp.ma", roles={"hcp": "steward"})
VIEWER = Actor(name="amina@hcp.ma", roles={"hcp": "viewer"})
OUTSIDER = Actor(name="omar@dgsn.ma", roles={"dgsn": "steward"})


def _age(jz, ref: str, number: int, days: int) -> None:
    """Make a version (and its original on disk) `days` old."""
    with jz.db.session() as session:
        found = jz.datasets_service._lookup(session, jz.actor, ref, "see")
        session.execute(update(Version).where(Version.dataset_id == found.id, Version.number == number)
                        .values(created_at=utcnow() - timedelta(days=days)))
    _touch(jz.raw.path(_sha(jz, ref, number)), days)


def _touch(path: Path, days: int) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def _sha(jz, ref: str, number: int) -> str:
    return next(v for v in jz.versions(ref) if v["version"] == number)["source"]["sha256"]


def test_originals_are_encrypted_and_read_back_by_stewards_only(jz, tmp_path: Path) -> None:
    source = people(tmp_path)
    jz.ingest(source, "hcp/people")
    sha = _sha(jz, "hcp/people", 1)
    stored = jz.raw.path(sha).read_bytes()
    assert b"BK123456" not in stored and b"Amrani" not in stored and jz.raw.is_sealed(sha)
    saved = jz.source("hcp/people", output=tmp_path / "back.csv", actor=STEWARD)
    assert (tmp_path / "back.csv").read_bytes() == source.read_bytes()
    assert saved == {"dataset": "hcp/people", "version": 1, "name": "people.csv", "size": source.stat().st_size,
                     "sha256": sha, "path": str(tmp_path / "back.csv")}
    for actor in (VIEWER, OUTSIDER):
        with pytest.raises(Forbidden):
            jz.source("hcp/people", output=tmp_path / "no.csv", actor=actor)
    with pytest.raises(NotFound):
        jz.source("hcp/people", output=tmp_path / "no.csv", actor=Actor.anonymous())
    assert not (tmp_path / "no.csv").exists()
    event = jz.audit("hcp/people", limit=1)[0]
    assert (event["actor"], event["action"], event["version"]) == (STEWARD.name, "read.source", 1)
    assert event["details"]["sha256"] == sha


def test_anonymize_replays_the_encrypted_original_and_leaves_no_plaintext(jz, tmp_path: Path) -> None:
    jz.ingest(people(tmp_path), "hcp/people")
    result = jz.ingestor.anonymize(jz.actor, "hcp/people", PrivacyPolicy.from_dict(POLICY))
    assert result["version"] == 2 and result["privacy"]["status"] == "treated"
    assert "BK123456" not in str(jz.load("hcp/people").to_pylist())
    assert list(jz.settings.tmp_dir.iterdir()) == []  # the decrypted copy is gone
    for path in jz.settings.raw_dir.iterdir():
        assert b"BK123456" not in path.read_bytes()


def test_retention_purges_only_what_every_version_has_outlived(jz, tmp_path: Path) -> None:
    old = communes_csv(tmp_path / "old.csv", rows=COMMUNES[:1])
    shared = communes_csv(tmp_path / "shared.csv", rows=COMMUNES[:2])
    jz.ingest(old, "hcp/a")  # a v1: old, alone -> purged
    jz.ingest(shared, "hcp/a")  # a v2: old, but the same bytes are b v1, recent -> kept
    jz.ingest(shared, "hcp/b")
    jz.ingest(communes_csv(tmp_path / "new.csv"), "hcp/c")  # recent -> kept
    for number in (1, 2):
        _age(jz, "hcp/a", number, 400)
    old_sha, shared_sha = _sha(jz, "hcp/a", 1), _sha(jz, "hcp/a", 2)
    with pytest.raises(Forbidden, match="may not run retention"):
        jz.retention_run(actor=STEWARD)
    result = jz.retention_run()
    assert (result["purged"], result["versions_purged"], result["purged_bytes"]) == (1, 1, old.stat().st_size)
    assert result["sources"] == [{"sha256": old_sha, "size": old.stat().st_size, "datasets": ["hcp/a"],
                                  "versions": [{"dataset": "hcp/a", "version": 1}]}]
    assert not jz.raw.exists(old_sha) and jz.raw.exists(shared_sha)
    assert len(list(jz.raw.stored())) == 2
    purged = jz.versions("hcp/a")[1]
    assert purged["version"] == 1 and purged["source"]["purged_at"] is not None
    assert jz.versions("hcp/a")[0]["source"]["purged_at"] is None
    event = jz.audit("hcp/a", limit=1)[0]
    assert (event["actor"], event["action"], event["version"]) == (jz.actor.name, "retention.purge", 1)
    assert event["details"] == {"sha256": old_sha, "versions": [1], "via": "cli"}
    assert jz.retention_run()["purged"] == 0  # nothing more to do
    assert jz.audit_verify()["ok"]
    # once b's version is old too, the shared original goes, for both datasets
    _age(jz, "hcp/b", 1, 400)
    again = jz.retention_run()
    assert again["purged"] == 1 and sorted(again["sources"][0]["datasets"]) == ["hcp/a", "hcp/b"]
    assert not jz.raw.exists(shared_sha)
    assert [e["action"] for e in jz.audit("hcp/b")][:1] == ["retention.purge"]


def test_an_original_in_use_again_waits_for_the_next_run(jz, tmp_path: Path) -> None:
    source = people(tmp_path)
    jz.ingest(source, "hcp/people")
    _age(jz, "hcp/people", 1, 400)
    jz.raw.put_file(source)  # an ingest of the same bytes is starting: the original is reused
    assert jz.retention_run()["purged"] == 0
    _touch(jz.raw.path(_sha(jz, "hcp/people", 1)), 2)
    assert jz.retention_run()["purged"] == 1


def test_a_purged_original_is_a_clear_error(jz, tmp_path: Path) -> None:
    jz.ingest(people(tmp_path), "hcp/people")
    _age(jz, "hcp/people", 1, 400)
    jz.retention_run()
    with pytest.raises(NotFound, match="was purged on .* at the end of its retention period") as caught:
        jz.ingestor.anonymize(jz.actor, "hcp/people", PrivacyPolicy.from_dict(POLICY))
    assert "--privacy policy.yaml" in (caught.value.hint or "")
    with pytest.raises(NotFound, match="was purged"):
        jz.source("hcp/people", output=tmp_path / "x.csv")
    assert jz.rows("hcp/people")["total"] == 3  # the published version itself stays


def test_the_register_retention_wins_and_flags_versions(jz, tmp_path: Path) -> None:
    jz.ingest(people(tmp_path), "hcp/people", privacy=PrivacyPolicy.from_dict(POLICY))
    jz.ingest(people(tmp_path, "dgsn.csv", ROWS[:2]), "dgsn/people", privacy=PrivacyPolicy.from_dict(POLICY))
    jz.register_set("hcp/people", {**ENTRY, "retention_days": 30})
    _age(jz, "hcp/people", 1, 40)
    _age(jz, "dgsn/people", 1, 40)  # no entry: the default 365 days apply
    result = jz.retention_run()
    assert result["purged"] == 1 and result["sources"][0]["datasets"] == ["hcp/people"]
    [flag] = result["flagged"]
    assert (flag["dataset"], flag["version"], flag["retention_days"], flag["source_purged"]) == \
        ("hcp/people", 1, 30, True)
    assert flag["expired_since"] < utcnow().isoformat()
    assert jz.version("hcp/people")["retention"]["expired"] is True
    assert jz.retention_status(actor=STEWARD)["flagged"] == [flag]
    assert jz.retention_status(actor=OUTSIDER)["flagged"] == []
    assert jz.retention_status(actor=VIEWER)["flagged"] == []


def test_unreferenced_and_older_files(jz, tmp_path: Path) -> None:
    orphan = jz.raw.put_file(communes_csv(tmp_path / "o.csv"))  # an ingest that died before publishing
    recent = jz.raw.put_file(communes_csv(tmp_path / "r.csv", rows=COMMUNES[:1]))
    _touch(orphan.path, 400)
    legacy = BlobStore(jz.settings.raw_dir).put_file(people(tmp_path))  # written by an older Jazari: plaintext
    result = jz.retention_run()
    assert (result["orphans_removed"], result["encrypted_legacy"]) == (1, 1)
    assert not jz.raw.exists(orphan.sha256) and jz.raw.exists(recent.sha256)
    assert jz.raw.is_sealed(legacy.sha256)
    assert [e["action"] for e in jz.audit()][:1] == ["retention.purge"]


def test_the_scheduler_runs_now_then_on_its_interval(jz, tmp_path: Path, caplog) -> None:
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c")
    _age(jz, "hcp/c", 1, 400)
    assert jz.retention_scheduler.tick()["purged"] == 1
    assert jz.audit("hcp/c", limit=1)[0]["actor"] == "system:retention"

    calls: list[int] = []

    def failing() -> dict:
        calls.append(1)
        raise RuntimeError("disk on fire")

    scheduler = RetentionScheduler(failing, interval_hours=0.0001)  # every 0.36 s
    assert scheduler.tick() is None and "retention run failed" in caplog.text
    scheduler.start()
    deadline = time.time() + 10
    while len(calls) < 3 and time.time() < deadline:
        time.sleep(0.05)
    scheduler.stop()
    assert len(calls) >= 3
    settled = len(calls)
    time.sleep(0.5)
    assert len(calls) == settled  # stopped
