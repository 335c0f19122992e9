"""Original uploads (the raw zone) for the owning institute's stewards only (DESIGN rule 5).

Every download is audited as `read.source`, whatever the dataset's level: an original is personal
data until proven otherwise. A purged original says when retention removed it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, BinaryIO

from jazari.datasets.models import Dataset, Version
from jazari.datasets.service import DatasetService
from jazari.errors import InputError, JazariError, NotFound
from jazari.governance.actors import Actor
from jazari.governance.audit import record
from jazari.store.blobs import CHUNK, BlobStore, storage_error


def unavailable(dataset: str, version: Version, raw: BlobStore,
                hint: str = "ingest the file again if you still hold it") -> NotFound | None:
    """Why a version's original cannot be read (purged, or missing from the raw zone), if so."""
    if version.source_purged_at is not None:
        return NotFound(
            f"the original of {dataset} version {version.number} was purged on "
            f"{version.source_purged_at.date().isoformat()} at the end of its retention period",
            hint=hint, field="version",
        )
    if not raw.exists(version.source_sha256):
        return NotFound(f"the original of {dataset} version {version.number} is no longer in the raw zone",
                        hint=hint, field="version")
    return None


def source_info(dataset: Dataset, version: Version) -> dict[str, Any]:
    """What is downloaded: the dataset, version and the original's name, size and hash."""
    return {"dataset": dataset.ref, "version": version.number, "name": version.source_name,
            "size": version.source_size, "sha256": version.source_sha256}


class SourceService:
    """Read the originals of versions (stewards of the owner; audited)."""

    def __init__(self, datasets: DatasetService, raw: BlobStore) -> None:
        self.datasets = datasets
        self.raw = raw

    def open(self, actor: Actor, ref: str, number: int | None = None) -> tuple[dict[str, Any], BinaryIO]:
        """The original of a version as a decrypted stream, after the access check and the audit."""
        with self.datasets.db.session() as session:
            dataset = self.datasets._lookup(session, actor, ref, "review")
            version = self.datasets._version(dataset, number, session)
            problem = unavailable(dataset.ref, version, self.raw)
            if problem is not None:
                raise problem
            stream = self.raw.open_plain(version.source_sha256)
            try:
                record(session, actor.name, "read.source", dataset.ref, version=version.number,
                       client=actor.client, details={"sha256": version.source_sha256, "via": actor.via})
                session.flush()
            except BaseException:
                stream.close()
                raise
        return source_info(dataset, version), stream

    def save(self, actor: Actor, ref: str, output: Path, number: int | None = None) -> dict[str, Any]:
        """Write the original of a version to `output` (atomically: no partial file is left)."""
        info, stream = self.open(actor, ref, number)
        output = Path(output)
        tmp = output.with_name(f".{output.name}.part")
        try:
            with stream, open(tmp, "wb") as out:
                while chunk := stream.read(CHUNK):
                    out.write(chunk)
            os.replace(tmp, output)
        except JazariError:
            tmp.unlink(missing_ok=True)
            raise
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            if isinstance(exc, FileNotFoundError):
                raise InputError(f"cannot write {output}: its folder does not exist", field="output") from exc
            raise storage_error(exc, output) from exc
        return {**info, "path": str(output)}
