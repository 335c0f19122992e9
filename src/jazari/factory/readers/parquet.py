"""Parquet: typed columns streamed batch by batch with pyarrow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from jazari.errors import FileFormatError
from jazari.factory.readers.base import ClosingSource
from jazari.factory.readers.columns import check_cell_sizes


class ParquetSource(ClosingSource):
    """A Parquet file read row group by row group."""

    textual = False
    first_row_number = 1

    def __init__(self, path: Path, options: Any) -> None:
        self.path, self._opts = path, options
        self.format = "parquet"
        self.options: dict[str, Any] = {"format": "parquet"}
        try:
            self._file: pq.ParquetFile | None = pq.ParquetFile(path)
            self.schema = self._file.schema_arrow
        except (pa.ArrowException, OSError) as e:
            raise _corrupt(path, e) from None
        self._rows_read = 0

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The rows in file order, at most `batch_rows` per batch."""
        if self._file is None:
            self._file = pq.ParquetFile(self.path)
        try:
            iterator = self._file.iter_batches(batch_size=self._opts.batch_rows)
            while True:
                try:
                    batch = next(iterator)
                except StopIteration:
                    return
                except (pa.ArrowException, OSError) as e:
                    raise _corrupt(self.path, e, row=self._rows_read + 1) from None
                check_cell_sizes(batch, self._opts.max_cell_bytes, self._rows_read + 1, self.path.name)
                self._rows_read += batch.num_rows
                yield batch
        finally:
            self.close()

    def fraction(self) -> float:
        """The share of rows read so far."""
        total = self._file.metadata.num_rows if self._file is not None else 0
        return min(1.0, self._rows_read / total) if total else 1.0

    def close(self) -> None:
        """Close the file."""
        if self._file is not None:
            self._file.close()
            self._file = None


def _corrupt(path: Path, error: Exception, row: int | None = None) -> FileFormatError:
    detail = str(error).split("\n", 1)[0]
    return FileFormatError(f"the Parquet file is corrupt or truncated: {detail}", file=path.name,
                           row=row, hint="copy or export the file again")
