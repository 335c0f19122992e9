"""Routes over datasets and versions; each calls one service method with the actor."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pyarrow as pa
import pyarrow.parquet as pq
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel

from jazari.api.deps import ActorDep, NodeDep
from jazari.datasets.export import FORMATS, neutralise_formulas
from jazari.datasets.names import parse_ref
from jazari.errors import InputError, SchemaError
from jazari.factory.readers import ReadOptions
from jazari.factory.schema import TableSchema
from jazari.store.blobs import too_large

router = APIRouter(prefix="/api/v1", tags=["datasets"])
CHUNK = 1024 * 1024


def _ref(institute: str, name: str) -> str:
    ref = f"{institute}/{name}"
    parse_ref(ref)
    return ref


@router.get("/datasets")
def list_datasets(jz: NodeDep, actor: ActorDep) -> list[dict[str, Any]]:
    """The datasets the caller may see."""
    return jz.datasets(actor)


@router.get("/datasets/{institute}/{name}")
def get_dataset(institute: str, name: str, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """One dataset's metadata."""
    return jz.dataset(_ref(institute, name), actor)


class DatasetChange(BaseModel):
    """What a steward may change on a dataset; absent fields stay as they are."""

    title: str | None = None
    description: str | None = None
    access_level: str | None = None
    unlisted: bool | None = None


@router.patch("/datasets/{institute}/{name}")
def change_dataset(institute: str, name: str, body: DatasetChange, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Change a dataset's title, description, access level or listing (stewards of its institute)."""
    changes = {k: v for k, v in body.model_dump().items() if v is not None}
    return jz.datasets_service.update(actor, _ref(institute, name), **changes)


@router.get("/datasets/{institute}/{name}/versions")
def list_versions(institute: str, name: str, jz: NodeDep, actor: ActorDep) -> list[dict[str, Any]]:
    """The versions of a dataset, newest first."""
    return jz.versions(_ref(institute, name), actor)


@router.get("/datasets/{institute}/{name}/versions/{number}")
def get_version(institute: str, name: str, number: int, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """A version with schema, profile, validation report and lineage."""
    return jz.version(_ref(institute, name), number, actor)


@router.get("/datasets/{institute}/{name}/versions/{number}/source")
def get_source(institute: str, name: str, number: int, jz: NodeDep, actor: ActorDep) -> StreamingResponse:
    """The original upload of a version, decrypted from the raw zone (stewards of its institute; audited)."""
    info, stream = jz.sources.open(actor, _ref(institute, name), number)

    def body() -> Iterator[bytes]:
        with stream:
            while chunk := stream.read(CHUNK):
                yield chunk

    return StreamingResponse(body(), media_type="application/octet-stream",
                             headers={"content-disposition": _attachment(info["name"]),
                                      "content-length": str(info["size"])})


def _attachment(name: str) -> str:
    """A Content-Disposition for any file name: an ASCII fallback and the UTF-8 name (RFC 6266)."""
    plain = "".join(c if " " <= c < "\x7f" and c not in '"\\' else "_" for c in name) or "source"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get("/datasets/{institute}/{name}/versions/{number}/{part}")
def get_version_part(
    institute: str, name: str, number: int, part: str, jz: NodeDep, actor: ActorDep
) -> Any:
    """One part of a version: schema, profile, validation or lineage."""
    if part not in ("schema", "profile", "validation", "lineage", "privacy"):
        raise InputError(f"unknown part {part!r}", hint="schema, profile, validation, lineage", field="part")
    return jz.version(_ref(institute, name), number, actor)[part]


@router.get("/datasets/{institute}/{name}/rows")
def get_rows(
    institute: str, name: str, jz: NodeDep, actor: ActorDep,
    version: int | None = None, offset: int = Query(0, ge=0), limit: int = Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    """A page of rows."""
    return jz.rows(_ref(institute, name), version, offset=offset, limit=limit, actor=actor)


@router.get("/datasets/{institute}/{name}/quarantine")
def get_quarantine(
    institute: str, name: str, jz: NodeDep, actor: ActorDep,
    version: int | None = None, limit: int = Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    """The rows a version set aside and why."""
    return jz.quarantine(_ref(institute, name), version, limit=limit, actor=actor)


@router.get("/datasets/{institute}/{name}/diff")
def get_diff(institute: str, name: str, a: int, b: int, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """What changed between versions a and b."""
    return jz.diff(_ref(institute, name), a, b, actor)


@router.get("/datasets/{institute}/{name}/export")
def export(
    institute: str, name: str, jz: NodeDep, actor: ActorDep,
    version: int | None = None, format: str = "parquet",  # noqa: A002 - the query parameter's name
) -> StreamingResponse:
    """Download a version, streamed: Parquet or CSV."""
    if format not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}", field="format")
    ref = _ref(institute, name)
    found, data = jz.datasets_service.scan(actor, ref, version, audit_action="export",
                                           details={"format": format})
    filename = f"{institute}-{name}-v{found.number}.{format}"
    media = "application/vnd.apache.parquet" if format == "parquet" else "text/csv; charset=utf-8"
    body = _parquet_stream(data) if format == "parquet" else _csv_stream(data)
    return StreamingResponse(body, media_type=media,
                             headers={"content-disposition": f'attachment; filename="{filename}"'})


class _Sink:
    """A file-like object that hands written bytes to a generator."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def _parquet_stream(data: Any) -> Iterator[bytes]:
    sink = _Sink()
    with pq.ParquetWriter(pa.PythonFile(sink, mode="w"), data.schema) as writer:
        for batch in data.to_batches():
            writer.write_batch(batch)
            yield sink.take()
    yield sink.take()


def _csv_stream(data: Any) -> Iterator[bytes]:
    import pyarrow.csv as pacsv

    sink = _Sink()
    with pacsv.CSVWriter(pa.PythonFile(sink, mode="w"), data.schema) as writer:
        for batch in data.to_batches():
            writer.write_batch(neutralise_formulas(batch))
            yield sink.take()
    yield sink.take()


@router.post("/datasets/{institute}/{name}/versions", status_code=202)
async def upload_version(
    institute: str, name: str, request: Request, jz: NodeDep, actor: ActorDep,
    file: UploadFile = File(...),
    title: str | None = Form(None), mode: str = Form("replace"), strict: bool = Form(False),
    encoding: str | None = Form(None), delimiter: str | None = Form(None), sheet: str | None = Form(None),
    skip_rows: int = Form(0),
    table_schema: str | None = Form(None, alias="schema", description="Table Schema as JSON text"),
) -> JSONResponse:
    """Upload a file; it is ingested by a background job whose progress you poll."""
    ref = _ref(institute, name)
    jz.ingestor.check_can_write(actor, ref)
    limit = jz.settings.upload_max_bytes
    declared = int(request.headers.get("content-length") or 0)
    if declared > limit + 64 * 1024:
        raise too_large(file.filename or "the upload", limit)
    schema_dict = None
    if table_schema:
        try:
            schema_dict = TableSchema.from_dict(json.loads(table_schema)).to_dict()
        except json.JSONDecodeError as exc:
            raise SchemaError(f"the schema is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                              field="schema") from exc
    jz.settings.tmp_dir.mkdir(parents=True, exist_ok=True)
    target = jz.settings.tmp_dir / f"upload-{uuid.uuid4().hex}"
    size = 0
    with open(target, "wb") as out:
        while chunk := await file.read(CHUNK):
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise too_large(file.filename or "the upload", limit)
            out.write(chunk)
    options = ReadOptions(encoding=encoding, delimiter=delimiter, sheet=sheet, skip_rows=skip_rows)
    job = jz.submit_ingest(
        target, ref, actor=actor, title=title, mode=mode, strict=strict, schema=schema_dict,
        source_name=file.filename or "upload", options={k: v for k, v in vars(options).items() if v},
    )
    return JSONResponse(
        {"job": job.to_dict(), "poll": f"/api/v1/jobs/{job.id}"}, status_code=202,
        headers={"location": f"/api/v1/jobs/{job.id}"},
    )


@router.get("/jobs/{job_id}")
def get_job(job_id: str, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Where a background job stands: status, progress, result or error."""
    return jz.job(job_id, actor)

