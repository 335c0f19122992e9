"""The ingest pipeline: read -> infer or apply a schema -> cast -> validate -> split good rows
from quarantined ones -> commit to the lake -> profile. Pure of the metadata database: the
datasets service publishes what this returns (DESIGN rule 1)."""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jazari.errors import SchemaError, ValidationFailed
from jazari.factory.cast import CastConfig, cast_batch
from jazari.factory.findings import QUARANTINE_SCHEMA, ValidationReport, redact_examples
from jazari.factory.infer import arrow_field_type, infer_schema
from jazari.factory.profile import profile_relation
from jazari.factory.readers import Source
from jazari.factory.schema import TableSchema, check_matches
from jazari.factory.validate import (
    ValidateConfig,
    find_duplicates,
    quarantine_records,
    split_batch,
    treat_records,
    validate_batch,
)
from jazari.privacy.columns import ColumnScan
from jazari.privacy.operators import suppress_small_groups
from jazari.privacy.policy import PolicyConfig, PrivacyPolicy, apply_policy, output_schema
from jazari.privacy.report import PrivacyReport, example_tags
from jazari.privacy.risk import k_anonymity_report
from jazari.privacy.scanner import default_scanner
from jazari.store import duck
from jazari.store.lake import Lake

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
ROW = "_row"
WORKERS = 2  # batches cast and validated at once (pyarrow and DuckDB release the GIL)
SET_ASIDE_ROWS = 50_000  # rows with findings kept before they are made quarantine records


@dataclass(frozen=True)
class IngestPlan:
    """What one ingest must do, decided by the service before any row is read."""

    data_path: Path
    quarantine_path: Path
    staging: Path
    mode: str  # replace | append
    version_number: int
    schema: TableSchema | None = None
    strict: bool = False
    sample_rows: int = 100_000
    commit_metadata: dict[str, str] = field(default_factory=dict)
    privacy_policy: PrivacyPolicy | None = None
    privacy_key: bytes = b""


@dataclass
class IngestOutcome:
    """What the pipeline wrote: the new Delta versions, counts, schemas, reports and profile.
    `schema` is the one applied to the source (kept in the recipe), `published` the columns
    as published after the privacy policy (dropped and generalised columns)."""

    delta_version: int
    quarantine_delta_version: int | None
    schema: TableSchema
    published: TableSchema
    rows_read: int
    rows_written: int
    rows_quarantined: int
    rows_total: int
    report: dict[str, Any]
    profile: dict[str, Any]
    privacy: dict[str, Any]


_COUNTING = pa.array(range(100_000), pa.int64())  # 0..n-1 for batches of the default size


def row_numbers(first: int, count: int) -> pa.Array:
    """`first, first + 1, ...`: `count` row numbers (int64); one Arrow addition, where building
    them from a Python range costs 5 ms per 100,000 rows (0.5 s of CPU per GB of CSV)."""
    base = _COUNTING if count <= len(_COUNTING) else pa.array(range(count), pa.int64())
    return pc.add(base.slice(0, count), pa.scalar(first, pa.int64()))


def take_sample(batches: Iterator[pa.RecordBatch], rows: int) -> list[pa.RecordBatch]:
    """The first batches holding at least `rows` rows (fewer if the source is shorter)."""
    taken: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        taken.append(batch)
        count += batch.num_rows
        if count >= rows:
            break
    return taken


def check_batch(cast_config: CastConfig, validate_config: ValidateConfig, batch: pa.RecordBatch,
                first: int) -> tuple[pa.RecordBatch, pa.RecordBatch]:
    """Cast, validate and split one batch whose first row is file row `first`: (rows without
    findings, rows with findings and their `_errors`), both with `_row`. Pure, so batches run on
    worker threads."""
    batch = batch.append_column(ROW, row_numbers(first, batch.num_rows))
    return split_batch(validate_batch(validate_config, cast_batch(cast_config, batch)))


def check_batches(batches: Iterable[pa.RecordBatch], schema: TableSchema, first_row: int,
                  workers: int = WORKERS) -> Iterator[tuple[pa.RecordBatch, pa.RecordBatch]]:
    """`check_batch` over every batch, in file order, `workers` batches at a time on threads (the
    stages of an ingest, for a validation that writes nothing)."""
    cast_config, validate_config = CastConfig(schema=schema), ValidateConfig(schema=schema)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="jazari-stage") as pool:
        pending: deque[Future[tuple[pa.RecordBatch, pa.RecordBatch]]] = deque()
        next_row = first_row
        for batch in batches:
            pending.append(pool.submit(check_batch, cast_config, validate_config, batch, next_row))
            next_row += batch.num_rows
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def decide_schema(source: Source, sample: list[pa.RecordBatch], given: TableSchema | None) -> TableSchema:
    """The schema to apply: the user's (checked against the file's columns) or the inferred one."""
    if given is not None:
        check_matches(given, source.schema.names)
        return given
    return infer_schema(pa.Table.from_batches(sample, schema=source.schema))


class _Quarantine:
    """Collects quarantined rows into a staging Parquet file as they come."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer: pq.ParquetWriter | None = None
        self.rows = 0

    def write(self, records: pa.RecordBatch) -> None:
        if records.num_rows == 0:
            return
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, records.schema)
        self.writer.write_batch(records)
        self.rows += records.num_rows

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def read_ahead(items: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """`items` produced by a thread of our own, up to `depth` ahead: the privacy scan (Python)
    then overlaps the Parquet encoding (C++, GIL released) of the previous batch. An error is
    re-raised in the consumer; when the consumer stops, the thread stops and is joined."""
    box: queue.Queue[Any] = queue.Queue(depth)
    done, stop = object(), threading.Event()

    def offer(item: Any) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
            offer(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            offer(exc)
        finally:
            close = getattr(items, "close", None)
            if callable(close):
                close()

    worker = threading.Thread(target=produce, name="jazari-read-ahead", daemon=True)
    worker.start()
    try:
        while (item := box.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def run_ingest(source: Source, plan: IngestPlan, lake: Lake, progress: Progress) -> IngestOutcome:
    """Stream the source through the stages into the lake; nothing is published here."""
    progress(0.01, "reading")
    # the text scanner takes a second or two to build (once per process): build it while the
    # sample is read and the schema inferred, before the privacy stage needs it
    scanner = threading.Thread(target=default_scanner, name="jazari-scanner", daemon=True)
    scanner.start()
    batches = source.batches()
    sample = take_sample(batches, plan.sample_rows)
    schema = decide_schema(source, sample, plan.schema)
    arrow_schema = schema.to_arrow()
    report = ValidationReport()
    quarantine = _Quarantine(plan.staging / "quarantine.parquet")
    counts = {"read": 0, "bad": 0}
    first_row = source.first_row_number
    policy_config = (PolicyConfig(policy=plan.privacy_policy, key=plan.privacy_key)
                     if plan.privacy_policy is not None else None)

    def quarantined(records: pa.RecordBatch) -> pa.RecordBatch:
        """Set-aside rows get the privacy policy too: the quarantine must not be a way around it."""
        return treat_records(policy_config, records, arrow_schema) if policy_config is not None else records

    set_aside: list[pa.RecordBatch] = []  # rows with findings, made quarantine records a few at a time

    def counted(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            counts["read"] += batch.num_rows
            yield batch

    def typed() -> Iterator[pa.RecordBatch]:
        for good, bad in check_batches(counted(itertools.chain(sample, batches)), schema, first_row):
            yield take(good, bad)
        set_apart_refused(first_row + counts["read"])
        set_apart()

    def set_apart_refused(next_row: int) -> None:
        """Files a file source could not read (not an image, corrupt) go to the quarantine with their
        reason, numbered after the rows it gave."""
        refused = getattr(source, "rejected", None)
        found = refused() if callable(refused) else None
        if found is None or found.num_rows == 0:
            return
        records = pa.RecordBatch.from_arrays([row_numbers(next_row, found.num_rows), *found.columns],
                                             schema=QUARANTINE_SCHEMA)
        counts["read"] += found.num_rows
        counts["bad"] += found.num_rows
        report.update(records)
        if plan.strict:
            raise ValidationFailed(f"{found.num_rows} file(s) could not be read and --strict refuses them",
                                   hint="see the findings with --json, fix the files or drop --strict",
                                   file=str(source.path),
                                   findings=report.finalize(rows_read=counts["read"]).get("findings", [])[:5])
        quarantine.write(quarantined(records))

    def take(good: pa.RecordBatch, bad: pa.RecordBatch) -> pa.RecordBatch:
        """Account for one checked batch, in file order, and pass its good rows on."""
        if bad.num_rows:
            set_aside.append(bad)
            counts["bad"] += bad.num_rows
            if plan.strict:
                set_apart()
                raise ValidationFailed(
                    f"{bad.num_rows} row(s) in the first {counts['read']:,} have findings and --strict refuses them",
                    hint="see the findings with --json, fix the file or drop --strict",
                    file=str(source.path),
                    findings=report.finalize(rows_read=counts["read"]).get("findings", [])[:5],
                )
            if sum(b.num_rows for b in set_aside) >= SET_ASIDE_ROWS:
                set_apart()
        fraction = getattr(source, "fraction", None)
        progress(0.05 + 0.75 * (fraction() if callable(fraction) else 0.5), f"{counts['read']:,} rows read")
        return good

    def set_apart() -> None:
        """Rows set aside so far become quarantine records (one DuckDB query for them all: one per
        batch cost 12 ms each, 0.3 s per GB of a file with a bad date every 250,000 rows)."""
        if set_aside:
            records = quarantined(quarantine_records(pa.concat_batches(set_aside)))
            set_aside.clear()
            report.update(records)
            quarantine.write(records)

    unique = [f.name for f in schema.fields if f.constraints.get("unique")] + list(schema.primary_key or [])
    scan = ColumnScan(arrow_schema.names)
    try:
        if unique:
            rows = _deduplicate(typed(), arrow_schema, schema, plan, report, quarantine, counts, quarantined)
        else:
            rows = _drop_row(typed(), arrow_schema)
        data = _privacy_stage(rows, scan, plan, scanner)
        ahead = pa.RecordBatchReader.from_batches(data.schema, read_ahead(data))
        delta_version = lake.write(plan.data_path, ahead, mode=plan.mode, metadata=plan.commit_metadata)
    finally:
        quarantine.close()
    progress(0.85, "committed to the lake")
    quarantine_version = None
    if quarantine.rows:
        quarantine_version = _commit_quarantine(lake, plan, quarantine.path)
    progress(0.9, "profiling")
    published = published_schema(schema, data.schema)
    files = lake.files(plan.data_path, delta_version)
    con = duck.connect()
    try:
        if files:
            relation = duck.parquet_source(files)
        else:
            con.register("version_rows", lake.dataset(plan.data_path, delta_version))
            relation = "version_rows"
        total = con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]  # type: ignore[index]
        times = tuple(f.name for f in published.fields if f.kind == "time")
        profile = profile_relation(con, relation, times=times).to_dict()
        privacy = PrivacyReport(plan.privacy_policy).update(scan.finalize())
        policy = plan.privacy_policy
        if policy is not None and policy.quasi_identifiers and total:
            privacy.with_risk(k_anonymity_report(con.sql(f"SELECT * FROM {relation}"),
                                                 list(policy.quasi_identifiers), list(policy.sensitive),
                                                 k=policy.k))
    finally:
        con.close()
    rows_written = counts["read"] - counts["bad"]
    privacy_report = privacy.finalize()
    if plan.privacy_policy is not None and plan.privacy_policy.suppress_small_groups and plan.mode == "replace":
        privacy_report["suppressed_rows"] = rows_written - int(total)
        rows_written = int(total)
    return IngestOutcome(
        delta_version=delta_version,
        quarantine_delta_version=quarantine_version,
        schema=schema,
        published=published,
        rows_read=counts["read"],
        rows_written=rows_written,
        rows_quarantined=counts["bad"],
        rows_total=int(total),
        report=redact_examples(report.finalize(rows_read=counts["read"]), example_tags(privacy_report)),
        profile=profile,
        privacy=privacy_report,
    )


def _drop_row(batches: Iterator[pa.RecordBatch], schema: pa.Schema) -> pa.RecordBatchReader:
    def without_row() -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield batch.drop_columns([ROW]) if ROW in batch.schema.names else batch

    return pa.RecordBatchReader.from_batches(schema, without_row())


def _privacy_stage(rows: pa.RecordBatchReader, scan: ColumnScan, plan: IngestPlan,
                   scanner: threading.Thread | None = None) -> pa.RecordBatchReader:
    """Find personal data in what will be published, then treat it as the policy says."""
    policy = plan.privacy_policy
    config = PolicyConfig(policy=policy, key=plan.privacy_key) if policy is not None else None
    # output_schema refuses a policy naming columns the data does not have, before any row is read
    schema = output_schema(policy, rows.schema) if policy is not None else rows.schema

    def treated() -> Iterator[pa.RecordBatch]:
        if scanner is not None:
            scanner.join()  # built once: a second thread asking meanwhile would build it again
        for batch in rows:
            scan.update(batch)
            yield apply_policy(config, batch) if config is not None else batch

    reader = pa.RecordBatchReader.from_batches(schema, treated())
    if policy is None or not policy.suppress_small_groups or not policy.quasi_identifiers:
        return reader
    return _suppress(reader, policy, plan.staging / "treated.parquet")


def _suppress(reader: pa.RecordBatchReader, policy: PrivacyPolicy, staged: Path) -> pa.RecordBatchReader:
    """Row suppression needs whole groups: stage the treated rows, keep those in groups of k or more."""
    with pq.ParquetWriter(staged, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
    con = duck.connect()
    kept = suppress_small_groups(con.sql(f"SELECT * FROM read_parquet('{_sql_path(staged)}')"),
                                 list(policy.quasi_identifiers), policy.k)
    return pa.RecordBatchReader.from_batches(
        reader.schema, (b.cast(reader.schema) for b in kept.to_arrow_reader(100_000))
    )


def _deduplicate(
    batches: Iterator[pa.RecordBatch],
    arrow_schema: pa.Schema,
    schema: TableSchema,
    plan: IngestPlan,
    report: ValidationReport,
    quarantine: _Quarantine,
    counts: dict[str, int],
    treat: Callable[[pa.RecordBatch], pa.RecordBatch],
) -> pa.RecordBatchReader:
    """Unique keys need every row: stage the good rows, find later duplicates with DuckDB,
    quarantine them and stream the rest."""
    staged = plan.staging / "rows.parquet"
    writer: pq.ParquetWriter | None = None
    with_row = arrow_schema.append(pa.field(ROW, pa.int64()))
    for batch in batches:
        if writer is None:
            writer = pq.ParquetWriter(staged, with_row)
        writer.write_batch(batch)
    if writer is None:
        pq.write_table(with_row.empty_table(), staged)
    else:
        writer.close()
    con = duck.connect()
    relation = f"read_parquet('{_sql_path(staged)}')"
    dups = find_duplicates(con, relation, schema)
    if dups.num_rows:
        records = treat(_duplicate_records(con, relation, dups))
        report.update(records)
        if plan.strict:
            raise ValidationFailed(
                f"{dups.num_rows} row(s) repeat a unique key and --strict refuses them",
                hint="remove the duplicates or drop --strict",
                findings=report.finalize(rows_read=counts["read"]).get("findings", [])[:5],
            )
        quarantine.write(records)
        counts["bad"] += len(set(dups.column(ROW).to_pylist()))
        con.register("dup_rows", pa.table({ROW: dups.column(ROW)}))
        query = f"SELECT * EXCLUDE ({ROW}) FROM {relation} WHERE {ROW} NOT IN (SELECT {ROW} FROM dup_rows)"
    else:
        query = f"SELECT * EXCLUDE ({ROW}) FROM {relation}"
    reader = con.sql(query + f" ORDER BY {ROW}").to_arrow_reader(100_000)
    return pa.RecordBatchReader.from_batches(
        arrow_schema, (b.cast(arrow_schema) for b in reader)
    )


def _duplicate_records(con: duckdb.DuckDBPyConnection, relation: str, dups: pa.Table) -> pa.RecordBatch:
    """Quarantine records for duplicate rows, with the whole row as JSON like other findings."""
    con.register("dup_findings", dups)
    table = con.sql(
        f"SELECT d.{ROW}, d.column, d.type, d.message, d.value, "
        f"to_json(r) :: VARCHAR AS record FROM dup_findings d "
        f"JOIN {relation} r ON r.{ROW} = d.{ROW} ORDER BY d.{ROW}"
    ).to_arrow_table()
    return table.combine_chunks().to_batches()[0] if table.num_rows else pa.RecordBatch.from_pylist([])


def _commit_quarantine(lake: Lake, plan: IngestPlan, staged: Path) -> int:
    """Append this version's quarantined rows, tagged with the version number, beside the data."""
    source = pq.ParquetFile(staged)
    schema = source.schema_arrow.append(pa.field("_version", pa.int32()))

    def tagged() -> Iterator[pa.RecordBatch]:
        for batch in source.iter_batches(batch_size=100_000):
            yield batch.append_column("_version", pa.array([plan.version_number] * batch.num_rows, pa.int32()))

    reader = pa.RecordBatchReader.from_batches(schema, tagged())
    return lake.write(plan.quarantine_path, reader, mode="append", metadata=plan.commit_metadata)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def published_schema(schema: TableSchema, published: pa.Schema) -> TableSchema:
    """The Table Schema of what was published: the applied fields that kept their type, and the
    columns a privacy policy changed described by their new type."""
    fields = []
    for arrow_field in published:
        field_ = schema.get(arrow_field.name) if arrow_field.name in schema.names else None
        if field_ is not None and field_.to_arrow().type == arrow_field.type:
            fields.append(field_.to_dict())
        else:
            fields.append({"name": arrow_field.name, "type": arrow_field_type(arrow_field.type)})
    described = {**schema.to_dict(), "fields": fields}
    keys = [k for k in (schema.primary_key or ()) if k in published.names]
    if keys:
        described["primaryKey"] = keys
    else:
        described.pop("primaryKey", None)
    return TableSchema.from_dict(described)


def check_append_schema(existing: pa.Schema, new: pa.Schema, ref: str) -> None:
    """Appending needs the same columns and types as the published version."""
    if existing.names != new.names or [f.type for f in existing] != [f.type for f in new]:
        old = ", ".join(f"{f.name}:{f.type}" for f in existing)
        got = ", ".join(f"{f.name}:{f.type}" for f in new)
        raise SchemaError(
            f"cannot append to {ref}: its columns are [{old}] but this file gives [{got}]",
            hint="use --mode replace, or pass --schema with the dataset's schema",
        )
