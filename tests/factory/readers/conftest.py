"""Helpers for the reader tests: read a whole file through `open_source`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from jazari.factory.readers import ReadOptions, open_source


def read_all(path: Path, **options: Any) -> tuple[dict[str, Any], pa.Table]:
    """The resolved options and every row of a file, checking each batch has the source schema."""
    with open_source(path, ReadOptions(**options)) as source:
        batches = list(source.batches())
        for batch in batches:
            assert batch.schema == source.schema
            assert batch.num_rows <= ReadOptions(**options).batch_rows
        table = pa.Table.from_batches(batches, schema=source.schema)
        return dict(source.options), table


@pytest.fixture
def read() -> Callable[..., tuple[dict[str, Any], pa.Table]]:
    """`read(path, **options) -> (resolved options, table)`."""
    return read_all
