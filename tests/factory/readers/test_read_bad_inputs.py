"""Files that are not what they claim, empty, binary or oversized: clear errors, never tracebacks."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from jazari.errors import FileFormatError, FileTooLargeError, InputError
from jazari.factory.readers import ReadOptions, open_source


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "vide.csv"
    path.write_bytes(b"")
    with pytest.raises(FileFormatError, match="empty") as err:
        open_source(path)
    assert err.value.context["file"] == "vide.csv"


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        open_source(tmp_path / "absent.csv")


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "bonjour")
    return buf.getvalue()


@pytest.mark.parametrize(("content", "what"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
    (_zip_bytes(), "ZIP archive"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "ELF executable"),
    (b"a,b\n1,\x002\n", "NUL bytes"),
    (b"\x1f\x8b\x08\x00" + b"\x03" * 40, "gzip"),
])
def test_binary_file_named_csv_looks_binary(tmp_path: Path, content: bytes, what: str) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(FileFormatError, match="looks binary") as err:
        open_source(path)
    assert what in err.value.message
    assert err.value.context["file"] == "data.csv"


def test_xlsx_that_is_csv_text_says_so(tmp_path: Path) -> None:
    path = tmp_path / "communes.xlsx"
    path.write_text("code;nom\n01;Tanger\n")
    with pytest.raises(FileFormatError, match="not an XLSX workbook: it looks like CSV text") as err:
        open_source(path)
    assert "--format csv" in err.value.hint


def test_csv_that_is_a_workbook_says_so(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["a", "b"])
    wb.save(tmp_path / "book.xlsx")
    path = tmp_path / "book.csv"
    path.write_bytes((tmp_path / "book.xlsx").read_bytes())
    with pytest.raises(FileFormatError, match="an XLSX workbook") as err:
        open_source(path)
    assert "--format xlsx" in err.value.hint


def test_json_extension_on_csv_text_says_so(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(FileFormatError, match="not JSON: it looks like CSV text"):
        open_source(path)


def test_parquet_extension_on_text_says_so(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(FileFormatError, match="not a Parquet file"):
        open_source(path)


def test_legacy_xls_gets_a_save_as_hint(tmp_path: Path) -> None:
    path = tmp_path / "vieux.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(FileFormatError, match="legacy Excel") as err:
        open_source(path)
    assert "save it as .xlsx" in err.value.hint


@pytest.mark.parametrize("kind", ["csv", "json", "xlsx", "parquet"])
def test_format_is_detected_from_content_without_extension(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "3f2a9c"  # as the raw zone stores uploads: no extension
    if kind == "csv":
        path.write_text("a;b\n1;2\n")
    elif kind == "json":
        path.write_text('[{"a": 1}]')
    elif kind == "xlsx":
        wb = Workbook()
        wb.active.append(["a", "b"])
        wb.active.append([1, 2])
        wb.save(path)
    else:
        pq.write_table(pa.table({"a": [1]}), path)
    with open_source(path) as source:
        assert source.format == kind
        assert source.schema.names[0] == "a"
        resolved = source.options
    assert json.loads(json.dumps(resolved)) == resolved  # stored in lineage
    with open_source(path, ReadOptions(**resolved)) as again:
        assert again.options == resolved


def test_unknown_format_option_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a\n1\n")
    with pytest.raises(InputError, match="unknown format 'xls'"):
        open_source(path, ReadOptions(format="xls"))


def test_cell_over_the_limit_names_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("id;texte\n1;court\n2;" + "x" * 5000 + "\n")
    with open_source(path, ReadOptions(max_cell_bytes=1000)) as source, pytest.raises(FileTooLargeError) as err:
        list(source.batches())
    assert err.value.context == {"file": "f.csv", "row": 3, "column": "texte"}
    assert "5,000 bytes" in err.value.message


def test_real_100mb_cell_is_refused_then_read_when_allowed(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    with open(path, "w") as f:
        f.write('id,texte,fin\n1,"court",a\n2,"')
        f.write("z" * 100_000_000)
        f.write('",b\n3,"x",c\n')
    with open_source(path) as source, pytest.raises(FileTooLargeError) as err:
        list(source.batches())
    assert err.value.context["line"] == 3
    assert err.value.context["column"] == "texte"
    with open_source(path, ReadOptions(max_cell_bytes=128 * 1024 * 1024)) as source:
        sizes = [len(v) for b in source.batches() for v in b.column("texte").to_pylist()]
    assert sizes == [5, 100_000_000, 1]
