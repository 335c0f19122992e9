"""Encodings: detection, exact round trips of Arabic, Tifinagh and French, and loud failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from jazari.errors import EncodingError, InputError
from jazari.factory.readers import ReadOptions, open_source
from jazari.factory.readers.encoding import HEAD_BYTES

ARABIC = [["code", "commune", "montant"], ["01", "الرباط", "1 234,56"], ["02", "الدار البيضاء", "12,5"],
          ["03", "Salé – مدينة", "7"]]
FRENCH = [["code", "nom", "montant"], ["01", "Société Générale", "1 234,56"], ["02", "École Fès – ÉTÉ", "€12,5"],
          ["03", "Œuvre « été »", "7"]]
EVERY_SCRIPT = [["code", "nom"], ["01", "الرباط"], ["02", "ⵜⴰⵎⴰⵣⵉⵖⵜ"], ["03", "Fès ⴼⴰⵙ فاس"]]


def excel_text(rows: list[list[str]], delimiter: str = ";") -> str:
    return "".join(delimiter.join(r) + "\r\n" for r in rows)


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


@pytest.mark.parametrize(("encoding", "rows", "detected"), [
    ("utf-8", EVERY_SCRIPT, "utf-8"),
    ("utf-8-sig", EVERY_SCRIPT, "utf-8-sig"),
    ("utf-16", EVERY_SCRIPT, "utf-16"),
    ("utf-16-le", EVERY_SCRIPT, "utf-16-le"),
    ("cp1256", ARABIC, "cp1256"),
    ("cp1252", FRENCH, "cp1252"),
])
def test_encoding_is_detected_and_text_round_trips(tmp_path: Path, read, encoding: str,
                                                   rows: list[list[str]], detected: str) -> None:
    delimiter = "\t" if encoding.startswith("utf-16") else ";"
    path = tmp_path / "f.csv"
    path.write_bytes(excel_text(rows, delimiter).encode(encoding))
    options, table = read(path)
    assert options["encoding"] == detected
    assert options["delimiter"] == delimiter
    assert table.to_pylist() == as_dicts(rows)


def test_arabic_file_with_french_words_is_cp1256(tmp_path: Path, read) -> None:
    rows = [["nom_fr", "nom_ar"], ["Salé", "سلا"], ["Fès", "فاس"], ["Rabat", "الرباط"], ["Kénitra", "القنيطرة"]]
    path = tmp_path / "f.csv"
    path.write_bytes(excel_text(rows).encode("cp1256"))
    options, table = read(path)
    assert options["encoding"] == "cp1256"
    assert table.to_pylist() == as_dicts(rows)


def test_forced_encoding_alias_is_normalised(tmp_path: Path, read) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(excel_text(ARABIC).encode("cp1256"))
    options, table = read(path, encoding="windows-1256")
    assert options["encoding"] == "cp1256"
    assert table.to_pylist() == as_dicts(ARABIC)


def test_unknown_forced_encoding_lists_the_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a\n1\n")
    with pytest.raises(InputError, match="unsupported encoding 'klingon'") as err:
        open_source(path, ReadOptions(encoding="klingon"))
    assert "cp1256" in err.value.hint and "utf-16" in err.value.hint


def test_multibyte_character_cut_at_the_sample_end_is_still_utf8(tmp_path: Path, read) -> None:
    start = "id;nom\n1;"
    text = start + "x" * (HEAD_BYTES - len(start) - 1) + "طط\n2;ⵜⴰⵎⴰⵣⵉⵖⵜ\n"
    raw = text.encode("utf-8")
    assert raw[HEAD_BYTES - 1] >= 0x80 and raw[HEAD_BYTES] >= 0x80  # a letter straddles the cut
    path = tmp_path / "f.csv"
    path.write_bytes(raw)
    options, table = read(path)
    assert options["encoding"] == "utf-8"
    assert table.column("nom").to_pylist()[-1] == "ⵜⴰⵎⴰⵣⵉⵖⵜ"


def test_bad_byte_late_in_a_utf8_file_names_line_and_offset(tmp_path: Path, read) -> None:
    body = "".join(f"{i};مدينة رقم {i}\n" for i in range(100_000))
    raw = ("id;nom\n" + body).encode("utf-8") + "100000;café\n".encode("cp1252")
    path = tmp_path / "f.csv"
    path.write_bytes(raw)
    with pytest.raises(EncodingError) as err:
        read(path)
    assert err.value.context["line"] == 100_002
    assert err.value.context["offset"] == raw.index(b"\xe9")
    assert "--encoding" in err.value.hint


def _french_file_with_arabic_hidden_between_samples(path: Path) -> int:
    """A cp1252-looking file with one Arabic (cp1256) line where no detection sample looks."""
    head = "id;nom\n" + "".join(f"{i};Société numéro {i}\n" for i in range(60_000))
    tail = "".join(f"{i};Fès élève {i}\n" for i in range(60_000, 200_000))
    assert len(head.encode("cp1252")) > HEAD_BYTES
    arabic = "99999;الرباط العاصمة\n".encode("cp1256")
    path.write_bytes(head.encode("cp1252") + arabic + tail.encode("cp1252"))
    return head.count("\n") + 1


def test_arabic_after_a_french_start_stops_instead_of_garbling(tmp_path: Path, read) -> None:
    path = tmp_path / "f.csv"
    line = _french_file_with_arabic_hidden_between_samples(path)
    with open_source(path) as source:
        assert source.options["encoding"] == "cp1252"
    with pytest.raises(EncodingError, match="looks like Arabic text in cp1256") as err:
        read(path)
    assert err.value.context["line"] == line
    assert err.value.hint == "give the encoding: --encoding cp1256"
    _, table = read(path, encoding="cp1256")  # following the hint reads every script right
    names = table.column("nom").to_pylist()
    assert "الرباط العاصمة" in names and names[0] == "Société numéro 0"


def test_utf8_text_in_a_cp1252_file_is_refused(tmp_path: Path, read) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("id;nom\n1;Société\n".encode("cp1252") + "2;الرباط\n".encode())
    with pytest.raises(EncodingError, match="UTF-8") as err:
        read(path)
    assert err.value.context["line"] == 3


def test_temporary_utf8_copy_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(excel_text(FRENCH * 50).encode("cp1252"))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with open_source(path, ReadOptions(batch_rows=10), tmp_dir=scratch) as source:
        batches = source.batches()
        next(batches)
        assert len(list(scratch.iterdir())) == 1
    assert list(scratch.iterdir()) == []
    with open_source(path, tmp_dir=scratch) as source:
        assert sum(b.num_rows for b in source.batches()) == 4 * 50 - 1
        assert list(scratch.iterdir()) == []
