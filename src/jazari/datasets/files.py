"""The files of file datasets (images), served to those who may read the dataset.

A file is named by its SHA-256 and answered only when a version the actor may read lists it: the
dataset's access rule decides (governance.access), one who may not see the dataset is told it does
not exist, and a read of non-public data is audited (`read.file`) like any other read. The media
type comes from the file's first bytes, never from a name: only PNG, JPEG, GIF and WebP are served.
"""

from __future__ import annotations

from typing import Any, BinaryIO

import pyarrow.dataset as pads

from jazari.datasets.models import Version
from jazari.datasets.names import SHA256, parse_ref
from jazari.datasets.service import DatasetService
from jazari.errors import NotFound, StorageError
from jazari.factory.readers.images import sniff_image
from jazari.governance.access import version_guard
from jazari.governance.actors import Actor
from jazari.store.blobs import BlobStore


def is_file_version(version: Version) -> bool:
    """Whether a version is the table of a file dataset (one row per image)."""
    return (version.reader_options or {}).get("format") == "images"


class FileService:
    """Read the files of file datasets (the dataset's readers; audited when not public)."""

    def __init__(self, datasets: DatasetService, files: BlobStore) -> None:
        self.datasets = datasets
        self.files = files

    def open(self, actor: Actor, ref: str, sha256: str, number: int | None = None) -> tuple[dict[str, Any], BinaryIO]:
        """The file with this SHA-256 in a version (the latest by default) as a stream, with its `path`,
        `bytes`, `media_type` (from its magic bytes) and whether the version is `public`."""
        institute, name = parse_ref(ref)
        if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
            raise NotFound(f"no file {sha256[:80]!r} in {ref}", hint="files are named by their SHA-256 (64 hex digits)",
                           field="sha256")
        found: dict[str, Any] = {}

        def prepare(version: Version) -> None:
            where = f"{ref} version {version.number}"
            if not is_file_version(version):
                raise NotFound(f"{where} is a table, not a file dataset: it has no files", field="sha256")
            data = self.datasets.lake.dataset(self.datasets.lake.table(institute, name), version.delta_version)
            rows = data.to_table(columns=["path", "bytes"], filter=pads.field("sha256") == sha256)
            if rows.num_rows == 0:
                raise NotFound(f"no file {sha256} in {where}", field="sha256")
            found.update(rows.slice(0, 1).to_pylist()[0])

        dataset, version = self.datasets._read(actor, ref, "read.file", number, {"sha256": sha256}, prepare)
        public = version_guard(dataset, (version.privacy or {}).get("status")).access_level == "public"
        stream = self.files.open_plain(sha256)
        try:
            media_type = sniff_image(stream.peek(16)[:16])  # type: ignore[attr-defined]
            if media_type is None:  # never served as anything else (no SVG, no HTML)
                raise StorageError(f"the stored file {sha256} is not a PNG, JPEG, GIF or WebP image")
        except BaseException:
            stream.close()
            raise
        info = {"dataset": dataset.ref, "version": version.number, "sha256": sha256, "path": found["path"],
                "bytes": found["bytes"], "media_type": media_type, "public": public}
        return info, stream
