"""Every bad input gets one clear error naming where, and the stored data stays as it was."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from jazari.errors import JazariError
from tests.files import communes_csv


def _zip_bomb(path: Path) -> Path:
    good = openpyxl.Workbook()
    good.active.append(["a"])
    good.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet2.xml", b"<" + b"0" * (300 * 1024 * 1024))
    return path


def _bytes(data: bytes):
    def write(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return write


BAD = {
    "empty.csv": _bytes(b""),
    "binary.csv": _bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 40),
    "ragged.csv": _bytes(b"a;b;c\n1;2;3\n4;5\n6;7;8;9\n"),
    "bad.jsonl": _bytes(b'{"a": 1}\n{"a": 2,\n{"a": 3}\n'),
    "fake.xlsx": _bytes(b"a;b\n1;2\n"),
    "bomb.xlsx": _zip_bomb,
    "broken.parquet": _bytes(b"PAR1" + b"\x00" * 100 + b"PAR1"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_is_refused_and_data_kept(jz, tmp_path: Path, name: str) -> None:
    jz.ingest(communes_csv(tmp_path / "good.csv"), "hcp/communes")
    before = jz.load("hcp/communes")
    bad = BAD[name](tmp_path / name)
    with pytest.raises(JazariError) as info:
        jz.ingest(bad, "hcp/communes")
    error = info.value
    assert error.context.get("file") == name, error.context  # names the user's file, not the raw copy
    assert error.status < 500 or error.code == "storage"
    assert [v["version"] for v in jz.versions("hcp/communes")] == [1]
    assert jz.load("hcp/communes").equals(before)


def test_ragged_rows_name_the_line(jz, tmp_path: Path) -> None:
    with pytest.raises(JazariError) as info:
        jz.ingest(BAD["ragged.csv"](tmp_path / "ragged.csv"), "hcp/ragged")
    assert info.value.context.get("line") in (3, 4), info.value.context


def test_a_100_mb_cell_is_refused_with_its_place(jz, tmp_path: Path) -> None:
    path = tmp_path / "cell.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write("id;texte\n1;court\n2;")
        chunk = "ب" * (1024 * 1024)
        for _ in range(50):  # 50 Mi characters of two bytes: 100 MB
            out.write(chunk)
        out.write("\n")
    with pytest.raises(JazariError) as info:
        jz.ingest(path, "hcp/cell")
    assert info.value.code == "too_large"
    assert "texte" in str(info.value) or info.value.context.get("column") == "texte"


def test_mixed_types_in_a_column_are_quarantined(jz, tmp_path: Path) -> None:
    lines = ["id;valeur"] + [f"{i};{i},5" for i in range(1, 200_001)] + ["200001;inconnu"]
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = jz.ingest(path, "hcp/mixed")  # the sample says number; the last row is not one
    assert result["rows_quarantined"] == 1 and result["rows_written"] == 200_000
    assert jz.quarantine("hcp/mixed")["rows"][0]["value"] == "inconnu"


def test_every_sheet_as_its_own_dataset(jz, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Régions"
    book.active.append(["code", "nom"])
    book.active.append(["01", "Tanger-Tétouan-Al Hoceïma"])
    other = book.create_sheet("Communes rurales")
    other.append(["code", "nom_ar"])
    other.append(["01.511.01.3", "اكزناية"])
    book.save(tmp_path / "classeur.xlsx")
    results = jz.ingestor.ingest_sheets(jz.actor, "hcp/rgph", tmp_path / "classeur.xlsx")
    assert [r["dataset"] for r in results] == ["hcp/rgph-regions", "hcp/rgph-communes-rurales"]
    assert jz.load("hcp/rgph-regions").column("code").to_pylist() == ["01"]
    assert jz.load("hcp/rgph-communes-rurales").column("nom_ar").to_pylist() == ["اكزناية"]


def test_bad_schema_file_names_the_field(jz, tmp_path: Path) -> None:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps({"fields": [{"name": "code", "type": "entier"}]}))
    with pytest.raises(JazariError) as info:
        jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/x", schema=path)
    assert "entier" in str(info.value)
