"""Routes over datasets and versions; each calls one service method with the actor."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel
from starlette.datastructures import FormData, UploadFile
from starlette.types import Message

from jazari.api.deps import MAX_INT, ActorDep, NodeDep, PathId, QueryId, QueryNumber
from jazari.app import Jazari
from jazari.datasets.export import MEDIA_TYPES, SUFFIXES, check_format, export_chunks
from jazari.datasets.names import parse_ref
from jazari.datasets.preview import parse_filters
from jazari.errors import InputError, SchemaError
from jazari.factory.readers import ReadOptions
from jazari.factory.schema import TableSchema
from jazari.factory.sniff import WHOLE_MAX_BYTES
from jazari.store.blobs import too_large

router = APIRouter(prefix="/api/v1", tags=["datasets"])
CHUNK = 1024 * 1024


def _ref(institute: str, name: str) -> str:
    ref = f"{institute}/{name}"
    parse_ref(ref)
    return ref


@router.get("/datasets")
def list_datasets(
    jz: NodeDep, actor: ActorDep, institute: Annotated[str | None, Query(max_length=200)] = None,
) -> list[dict[str, Any]]:
    """The datasets the caller may see, newest first (those of one `institute` if given)."""
    found = jz.datasets(actor)
    return found if institute is None else [d for d in found if d["institute"] == institute]


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
def get_version(institute: str, name: str, number: PathId, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """A version with schema, profile, validation report and lineage."""
    return jz.version(_ref(institute, name), number, actor)


@router.get("/datasets/{institute}/{name}/versions/{number}/source")
def get_source(institute: str, name: str, number: PathId, jz: NodeDep, actor: ActorDep) -> StreamingResponse:
    """The original upload of a version, decrypted from the raw zone (stewards of its institute; audited)."""
    info, stream = jz.sources.open(actor, _ref(institute, name), number)

    def body() -> Iterator[bytes]:
        with stream:
            while chunk := stream.read(CHUNK):
                yield chunk

    return StreamingResponse(body(), media_type="application/octet-stream",
                             headers={"content-disposition": _attachment(info["name"]),
                                      "content-length": str(info["size"])})


@router.get("/datasets/{institute}/{name}/files/{sha256}")
def get_file(institute: str, name: str, sha256: str, jz: NodeDep, actor: ActorDep,
             version: QueryNumber = None) -> StreamingResponse:
    """One image of a file dataset by its SHA-256 (the latest version, or `version`), for those who may read
    the dataset (audited when not public); its type from its first bytes, never run as a page."""
    info, stream = jz.file(_ref(institute, name), sha256, version, actor)

    def body() -> Iterator[bytes]:
        with stream:
            while chunk := stream.read(CHUNK):
                yield chunk

    headers = {"content-length": str(info["bytes"]), "x-content-type-options": "nosniff",
               "content-security-policy": "default-src 'none'; sandbox",
               "content-disposition": "inline" + _attachment(info["path"].rsplit("/", 1)[-1]).removeprefix("attachment"),
               "cache-control": "public, max-age=3600" if info["public"] else "no-store"}
    return StreamingResponse(body(), media_type=info["media_type"], headers=headers)


def _attachment(name: str) -> str:
    """A Content-Disposition for any file name: an ASCII fallback and the UTF-8 name (RFC 6266)."""
    plain = "".join(c if " " <= c < "\x7f" and c not in '"\\' else "_" for c in name) or "source"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get("/datasets/{institute}/{name}/versions/{number}/{part}")
def get_version_part(
    institute: str, name: str, number: PathId, part: str, jz: NodeDep, actor: ActorDep
) -> Any:
    """One part of a version: schema, profile, validation or lineage."""
    if part not in ("schema", "profile", "validation", "lineage", "privacy"):
        raise InputError(f"unknown part {part!r}", hint="schema, profile, validation, lineage", field="part")
    return jz.version(_ref(institute, name), number, actor)[part]


@router.get("/datasets/{institute}/{name}/rows")
def get_rows(
    institute: str, name: str, jz: NodeDep, actor: ActorDep,
    version: QueryNumber = None, offset: int = Query(0, ge=0, le=MAX_INT), limit: int = Query(100, ge=1, le=1000),
    sort: str | None = Query(None, description="A column to sort by (empty cells last)."),
    descending: bool = False,
    filter: list[str] = Query([], description="`column:text`, repeated: keep the rows whose column, "  # noqa: A002
                              "read as text, contains the text, whatever the case (all filters must match)."),
) -> dict[str, Any]:
    """A page of rows, in file order or sorted; `matched` counts the rows the filters keep."""
    return jz.rows(_ref(institute, name), version, offset=offset, limit=limit, sort=sort or None,
                   descending=descending, filters=_filters(filter), actor=actor)


def _filters(given: list[str]) -> dict[str, str]:
    """`column:text` pairs as a dict, or a 422 that says what is wrong."""
    try:
        return parse_filters(given)
    except InputError as exc:
        raise RequestValidationError([{"loc": ("query", "filter"), "type": "value_error", "msg": exc.message,
                                       "input": given}]) from None


@router.get("/datasets/{institute}/{name}/quarantine")
def get_quarantine(
    institute: str, name: str, jz: NodeDep, actor: ActorDep,
    version: QueryNumber = None, limit: int = Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    """The rows a version set aside and why."""
    return jz.quarantine(_ref(institute, name), version, limit=limit, actor=actor)


@router.get("/datasets/{institute}/{name}/diff")
def get_diff(institute: str, name: str, a: QueryId, b: QueryId, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """What changed between versions a and b."""
    return jz.diff(_ref(institute, name), a, b, actor)


@router.get("/datasets/{institute}/{name}/export")
def export(
    institute: str, name: str, jz: NodeDep, actor: ActorDep,
    version: QueryNumber = None, format: str = "parquet",  # noqa: A002 - the query parameter's name
) -> StreamingResponse:
    """Download a version, streamed batch by batch: Parquet, CSV (formulas neutralised), JSON lines
    or an Arrow IPC stream (`arrow`, what `jazari.connect(...).load()` reads)."""
    check_format(format)
    ref = _ref(institute, name)
    found, data = jz.datasets_service.scan(actor, ref, version, audit_action="export",
                                           details={"format": format})
    filename = f"{institute}-{name}-v{found.number}.{SUFFIXES[format]}"
    return StreamingResponse(export_chunks(data, format), media_type=MEDIA_TYPES[format],
                             headers={"content-disposition": f'attachment; filename="{filename}"',
                                      "x-jazari-version": str(found.number)})


SLACK = 64 * 1024  # multipart headers and the small fields around the file
FLAGS = {"1": True, "true": True, "on": True, "yes": True, "0": False, "false": False, "off": False, "no": False}
_TEXT = {"type": "string"}
UPLOAD_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}, "title": _TEXT,
        "mode": {"type": "string", "enum": ["replace", "append"], "default": "replace"},
        "strict": {"type": "boolean", "default": False}, "encoding": _TEXT, "delimiter": _TEXT, "sheet": _TEXT,
        "skip_rows": {"type": "integer", "minimum": 0, "default": 0},
        "schema": {"type": "string", "description": "Table Schema as JSON text"},
    }}}}}


@router.post("/datasets/{institute}/{name}/versions", status_code=202,
             openapi_extra={"requestBody": UPLOAD_BODY})
async def upload_version(institute: str, name: str, request: Request, jz: NodeDep, actor: ActorDep) -> JSONResponse:
    """Upload a file (multipart field `file`); it is ingested by a background job whose progress
    you poll. The right to write, and a declared size over the limit, are checked before the body
    is read: nobody can fill the disk without that right."""
    ref = _ref(institute, name)
    jz.ingestor.check_can_write(actor, ref)
    target, filename, fields = await _receive(jz, request, jz.settings.upload_max_bytes, "the upload")
    options = ReadOptions(encoding=fields["encoding"], delimiter=fields["delimiter"], sheet=fields["sheet"],
                          skip_rows=fields["skip_rows"])
    job = jz.submit_ingest(
        target, ref, actor=actor, title=fields["title"], mode=fields["mode"], strict=fields["strict"],
        schema=fields["schema"], source_name=filename or "upload",
        options={k: v for k, v in vars(options).items() if v},
    )
    return JSONResponse(
        {"job": job.to_dict(), "poll": f"/api/v1/jobs/{job.id}"}, status_code=202,
        headers={"location": f"/api/v1/jobs/{job.id}"},
    )


async def _receive(jz: Jazari, request: Request, limit: int, what: str,
                   extra: tuple[str, ...] = ()) -> tuple[Path, str | None, dict[str, Any]]:
    """The multipart field `file` saved in the node's tmp dir (at most `limit` bytes, a declared and a
    received size over it refused before and while reading), its client's name, and the checked
    small fields (`extra`: more text fields, as sent)."""
    if _declared_length(request) > limit + SLACK:
        raise too_large(what, limit)
    form = await _limited(request, limit + SLACK).form(max_files=1, max_fields=50)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InputError("send the file in the multipart field `file`", field="file")
        fields = {**_upload_fields(form), **{field: _text(form, field) for field in extra}}
        target = await _save(jz, upload, limit)
    finally:
        await form.close()
    return target, upload.filename, fields


def _declared_length(request: Request) -> int:
    try:
        return int(request.headers.get("content-length") or 0)
    except ValueError:
        raise InputError("the Content-Length header is not a number", field="content-length") from None


def _limited(request: Request, most: int) -> Request:
    """The request, whose body is refused as too large once more than `most` bytes arrived (a
    client may send more than it declared, or declare nothing)."""
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > most:
            raise too_large("the upload", most - SLACK)
        return message

    return Request(request.scope, receive)


def _text(form: FormData, field: str) -> str | None:
    """A small text field of a form; an empty field is an absent one."""
    value = form.get(field)
    if value is not None and not isinstance(value, str):
        raise InputError(f"{field} must be text, not a file", field=field)
    return value or None


def _upload_fields(form: FormData) -> dict[str, Any]:
    """The upload's small fields, checked; an empty field is an absent one."""
    def text(field: str) -> str | None:
        return _text(form, field)

    skip = (text("skip_rows") or "0").strip()
    if not skip.isdigit() or int(skip) > MAX_INT:
        raise InputError(f"skip_rows must be a whole number from 0 to {MAX_INT}, not {skip[:20]!r}", field="skip_rows")
    schema_text = text("schema")
    schema = None
    if schema_text:
        try:
            schema = TableSchema.from_dict(json.loads(schema_text)).to_dict()
        except json.JSONDecodeError as exc:
            raise SchemaError(f"the schema is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                              field="schema") from exc
    return {"title": text("title"), "mode": text("mode") or "replace", "strict": _flag(text("strict"), "strict", False),
            "encoding": text("encoding"), "delimiter": text("delimiter"), "sheet": text("sheet"),
            "skip_rows": int(skip), "schema": schema}


def _flag(value: str | None, field: str, default: bool) -> bool:
    """A true/false form field (1/0, on/off, yes/no too); absent or empty is `default`."""
    if value is None:
        return default
    word = value.strip().lower()
    if word not in FLAGS:
        raise InputError(f"{field} must be true or false, not {value[:20]!r}", field=field)
    return FLAGS[word]


SNIFF_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary", "description": "the file, or its first MiB"},
        "name": {"type": "string", "description": "the file's own name (its extension says the format)"},
        "complete": {"type": "boolean", "default": True, "description": "false: `file` is only the file's head"},
        "encoding": _TEXT, "delimiter": _TEXT, "sheet": _TEXT,
        "skip_rows": {"type": "integer", "minimum": 0, "default": 0},
        "schema": {"type": "string", "description": "Table Schema as JSON text (types edited)"},
    }}}}}


@router.post("/sniff", openapi_extra={"requestBody": SNIFF_BODY})
async def sniff_file(request: Request, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Look at a file before uploading it: the format, encoding, delimiter, quote, header, skipped
    lines and sheets the ingest would detect, the Table Schema it would infer and sample rows; with
    `schema`, how many sample values each column would refuse (`type_errors`). Send a text file's
    first MiB (`complete=false`), a workbook, Parquet or JSON array whole. Those who may publish in
    an institute only, checked before the body is read; nothing is kept."""
    jz.require_uploader(actor)
    target, filename, fields = await _receive(jz, request, WHOLE_MAX_BYTES, "the file looked at",
                                              extra=("name", "complete"))
    try:
        name = (fields["name"] or "").strip() or filename or "upload"
        options = ReadOptions(encoding=fields["encoding"], delimiter=fields["delimiter"], sheet=fields["sheet"],
                              skip_rows=fields["skip_rows"])
        return await run_in_threadpool(jz.sniff, target, name=_file_name(name), options=options,
                                       complete=_flag(fields["complete"], "complete", True),
                                       schema=fields["schema"], actor=actor)
    finally:
        target.unlink(missing_ok=True)


def _file_name(name: str) -> str:
    """The last part of a client's file name, printable and at most 200 characters (extension kept)."""
    base = "".join(c for c in name.replace("\\", "/").rsplit("/", 1)[-1] if c.isprintable()).strip()
    if len(base) > 200:
        stem, dot, suffix = base.rpartition(".")
        base = stem[:190] + dot + suffix[:9] if dot and len(suffix) < 10 else base[:200]
    return base if base not in ("", ".", "..") else "upload"


async def _save(jz: Jazari, upload: UploadFile, limit: int) -> Path:
    """Copy the uploaded file into the node's tmp dir, at most `limit` bytes."""
    jz.settings.tmp_dir.mkdir(parents=True, exist_ok=True)
    target = jz.settings.tmp_dir / f"upload-{uuid.uuid4().hex}"
    size = 0
    try:
        with open(target, "wb") as out:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise too_large(upload.filename or "the upload", limit)
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


@router.get("/jobs/{job_id}")
def get_job(job_id: str, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Where a background job stands: status, progress, result or error."""
    return jz.job(job_id, actor)

