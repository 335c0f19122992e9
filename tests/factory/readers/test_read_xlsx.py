"""XLSX: sheets, cells rendered as the text users saw, row numbers, zip bombs."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from jazari.errors import FileFormatError, FileTooLargeError, InputError
from jazari.factory.readers import ReadOptions, list_sheets, open_source


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_cells_are_rendered_as_the_text_users_saw(tmp_path: Path, read) -> None:
    path = workbook(tmp_path / "c.xlsx", {"Communes": [
        ["code", "nom", "population", "taux", "date_maj", "heure", "rural", "vide"],
        ["01", "الرباط", 577827, 34.55, dt.date(2024, 3, 1), dt.datetime(2024, 3, 1, 10, 30), True, None],
        ["02", "ⵜⴰⵎⴰⵣⵉⵖⵜ", 12.0, 0.1 + 0.2, dt.datetime(2023, 12, 31), dt.time(8, 15), False, None],
    ]})
    options, table = read(path)
    assert options == {"format": "xlsx", "sheet": "Communes", "header": True, "skip_rows": 0}
    assert table.to_pylist() == [
        {"code": "01", "nom": "الرباط", "population": "577827", "taux": "34.55", "date_maj": "2024-03-01",
         "heure": "2024-03-01T10:30:00", "rural": "TRUE", "vide": None},
        {"code": "02", "nom": "ⵜⴰⵎⴰⵣⵉⵖⵜ", "population": "12", "taux": "0.3", "date_maj": "2023-12-31",
         "heure": "08:15:00", "rural": "FALSE", "vide": None},
    ]
    with open_source(path) as source:
        assert source.textual is True and source.first_row_number == 2


def test_sheets_are_listed_and_picked_by_name_or_number(tmp_path: Path, read) -> None:
    path = workbook(tmp_path / "w.xlsx", {"Régions": [["r"], ["Souss"]], "Provinces": [["p"], ["Tiznit"]]})
    assert list_sheets(path) == ["Régions", "Provinces"]
    assert read(path)[1].to_pylist() == [{"r": "Souss"}]
    assert read(path, sheet="Provinces")[1].to_pylist() == [{"p": "Tiznit"}]
    options, table = read(path, sheet="2")
    assert options["sheet"] == "Provinces" and table.to_pylist() == [{"p": "Tiznit"}]


def test_unknown_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = workbook(tmp_path / "w.xlsx", {"A": [["x"]], "B": [["y"]]})
    with pytest.raises(InputError, match="no sheet 'C'") as err:
        open_source(path, ReadOptions(sheet="C"))
    assert "'A', 'B'" in err.value.hint


def test_empty_rows_inside_are_kept_trailing_ones_dropped(tmp_path: Path, read) -> None:
    rows: list[list[object]] = [["n", "v"], [1, "a"], [None, None], [3, "c"], [None, None], [None, None]]
    _, table = read(workbook(tmp_path / "w.xlsx", {"S": rows}))
    assert table.to_pylist() == [{"n": "1", "v": "a"}, {"n": None, "v": None}, {"n": "3", "v": "c"}]


def test_skip_rows_header_names_and_no_header(tmp_path: Path, read) -> None:
    path = workbook(tmp_path / "w.xlsx", {"S": [["Titre du rapport"], [], [" a ", "a", None, "b"], [1, 2, 3, 4]]})
    options, table = read(path, skip_rows=2)
    assert table.schema.names == ["a", "a_2", "column_3", "b"]
    assert table.to_pylist() == [{"a": "1", "a_2": "2", "column_3": "3", "b": "4"}]
    with open_source(path, ReadOptions(skip_rows=2)) as source:
        assert source.first_row_number == 4
    numbers = workbook(tmp_path / "n.xlsx", {"S": [[1, 2], [3, 4]]})
    options, table = read(numbers)
    assert options["header"] is False and table.schema.names == ["column_1", "column_2"]
    assert table.num_rows == 2


def test_blank_rows_above_the_header_are_skipped_and_recorded(tmp_path: Path, read) -> None:
    path = workbook(tmp_path / "w.xlsx", {"S": [[], [], ["code", "nom"], ["01", "Tanger"]]})
    options, table = read(path)
    assert options["skip_rows"] == 2
    assert table.to_pylist() == [{"code": "01", "nom": "Tanger"}]
    with open_source(path) as source:
        assert source.first_row_number == 4


def test_empty_sheet_is_a_clear_error(tmp_path: Path) -> None:
    path = workbook(tmp_path / "w.xlsx", {"Vide": []})
    with pytest.raises(FileFormatError, match="no rows") as err:
        open_source(path)
    assert err.value.context["sheet"] == "Vide"


def test_stray_value_beyond_the_columns_names_row_and_column(tmp_path: Path) -> None:
    rows: list[list[object]] = [["a", "b"]] + [[i, i] for i in range(1500)] + [[1, 2, None, "oups"]]
    path = workbook(tmp_path / "w.xlsx", {"S": rows})
    with open_source(path) as source, pytest.raises(FileFormatError, match="beyond the last column") as err:
        list(source.batches())
    assert err.value.context == {"file": "w.xlsx", "sheet": "S", "row": 1502, "column": "D"}


def test_batches_are_bounded(tmp_path: Path) -> None:
    path = workbook(tmp_path / "w.xlsx", {"S": [["n"]] + [[i] for i in range(2500)]})
    with open_source(path, ReadOptions(batch_rows=1000)) as source:
        sizes = [b.num_rows for b in source.batches()]
    assert sizes == [1000, 1000, 500]


def _bomb(path: Path, sheet_bytes: int) -> Path:
    workbook(path, {"S": [["a"], [1]]})
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet9.xml", b"<c/>" * (sheet_bytes // 4))
    return path


def test_zip_bomb_is_refused_by_ratio_before_parsing(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.xlsx", 64 * 1024 * 1024)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(FileTooLargeError, match="zip bomb") as err:
        open_source(path)
    assert "sheet9.xml" in err.value.message
    with pytest.raises(FileTooLargeError):
        list_sheets(path)


def test_declared_size_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "w.xlsx", {"S": [["a"]] + [[f"ligne {i}"] for i in range(20_000)]})
    with pytest.raises(FileTooLargeError, match="expands to"):
        open_source(path, ReadOptions(max_uncompressed_bytes=100_000))


def test_broken_workbook_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "casse.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<pas du xml")
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(FileFormatError, match="cannot be opened"):
        open_source(path)
