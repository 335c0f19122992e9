"""CSV and TSV: dialect sniffing, exact text values, header names, ragged rows, batches."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from jazari.errors import FileFormatError
from jazari.factory.readers import ReadOptions, open_source


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_sniffed(tmp_path: Path, read, delimiter: str) -> None:
    rows = [["code", "nom", "montant"], ["01", "Salé", "1 234,56"], ["02", "الرباط", "12,5"]]
    if delimiter == ",":
        rows = [[f'"{v}"' if "," in v else v for v in r] for r in rows]
    path = write(tmp_path / "f.csv", "\r\n".join(delimiter.join(r) for r in rows) + "\r\n")
    options, table = read(path)
    assert options["delimiter"] == delimiter
    assert options["format"] == ("tsv" if delimiter == "\t" else "csv")
    assert table.to_pylist() == [
        {"code": "01", "nom": "Salé", "montant": "1 234,56"},
        {"code": "02", "nom": "الرباط", "montant": "12,5"},
    ]


def test_values_are_kept_exactly_as_text(tmp_path: Path, read) -> None:
    path = write(tmp_path / "f.csv", "code ; valeur ;note\n01.511; 1 234,56 ;  espace  \n007;-0,50;ⵜⴰⵎⴰⵣⵉⵖⵜ et العربية\n")
    _, table = read(path)
    assert table.schema.names == ["code", "valeur", "note"]
    assert all(t == pa.string() for t in table.schema.types)
    assert table.to_pylist() == [
        {"code": "01.511", "valeur": " 1 234,56 ", "note": "  espace  "},
        {"code": "007", "valeur": "-0,50", "note": "ⵜⴰⵎⴰⵣⵉⵖⵜ et العربية"},
    ]


def test_empty_cell_is_null_and_quoted_empty_is_empty_string(tmp_path: Path, read) -> None:
    path = write(tmp_path / "f.csv", 'a,b,c\n1,,""\n,NULL,x\n')
    _, table = read(path)
    assert table.to_pylist() == [{"a": "1", "b": None, "c": ""}, {"a": None, "b": "NULL", "c": "x"}]


def test_quoted_fields_hold_delimiters_newlines_and_quotes(tmp_path: Path, read) -> None:
    text = 'id;texte;fin\r\n1;"a;b";x\r\n2;"ligne 1\r\nligne 2";y\r\n3;"il a dit ""oui""";z\r\n'
    _, table = read(write(tmp_path / "f.csv", text))
    assert table.column("texte").to_pylist() == ["a;b", "ligne 1\r\nligne 2", 'il a dit "oui"']
    assert table.column("fin").to_pylist() == ["x", "y", "z"]


def test_single_quote_or_no_quoting_can_be_forced(tmp_path: Path, read) -> None:
    path = write(tmp_path / "f.csv", "a,b\n'x,y',2\n")
    options, table = read(path, quote="'")
    assert options["quote"] == "'"
    assert table.to_pylist() == [{"a": "x,y", "b": "2"}]
    bare = write(tmp_path / "g.csv", 'a;b\n"pouce;12"\n')
    options, table = read(bare, quote="")
    assert options["quote"] == ""
    assert table.to_pylist() == [{"a": '"pouce', "b": '12"'}]


def test_header_names_are_stripped_deduplicated_and_filled(tmp_path: Path, read) -> None:
    path = write(tmp_path / "f.csv", " a ;a;;A;b\n1;2;3;4;5\n")
    _, table = read(path)
    assert table.schema.names == ["a", "a_2", "column_3", "A_3", "b"]


def test_header_is_sniffed_absent_when_first_row_is_numbers(tmp_path: Path, read) -> None:
    path = write(tmp_path / "f.csv", "1;2,5;2024-03-01\n2;3,5;2024-03-02\n")
    options, table = read(path)
    assert options["header"] is False
    assert table.schema.names == ["column_1", "column_2", "column_3"]
    assert table.num_rows == 2
    with open_source(path) as source:
        assert source.first_row_number == 1


def test_years_as_column_names_still_make_a_header(tmp_path: Path, read) -> None:
    options, table = read(write(tmp_path / "f.csv", "commune;2019;2020\nRabat;10;11\n"))
    assert options["header"] is True
    assert table.schema.names == ["commune", "2019", "2020"]


def test_forced_header_and_delimiter_override_sniffing(tmp_path: Path, read) -> None:
    path = write(tmp_path / "f.csv", "a;b,c\nd;e,f\n")
    options, table = read(path, delimiter=",", header=False)
    assert (options["delimiter"], options["header"]) == (",", False)
    assert table.to_pylist() == [{"column_1": "a;b", "column_2": "c"}, {"column_1": "d;e", "column_2": "f"}]


def test_skip_rows_skips_title_lines(tmp_path: Path, read) -> None:
    path = write(tmp_path / "f.csv", "Rapport HCP 2024\nSource: RGPH\ncode;nom\n01;Tanger\n")
    options, table = read(path, skip_rows=2)
    assert options["skip_rows"] == 2
    assert table.to_pylist() == [{"code": "01", "nom": "Tanger"}]
    with open_source(path, ReadOptions(skip_rows=2)) as source:
        assert source.first_row_number == 4


def test_blank_lines_above_the_header_are_skipped_and_recorded(tmp_path: Path, read) -> None:
    path = write(tmp_path / "f.csv", "Titre\r\n;;\r\n\r\ncode;nom;x\r\n01;Tanger;\r\n")
    options, table = read(path, skip_rows=1)
    assert options["skip_rows"] == 3
    assert table.to_pylist() == [{"code": "01", "nom": "Tanger", "x": None}]
    with open_source(path, ReadOptions(skip_rows=1)) as source:
        assert source.first_row_number == 5


def test_header_only_file_has_columns_and_no_rows(tmp_path: Path, read) -> None:
    _, table = read(write(tmp_path / "f.csv", "code;nom;valeur\r\n"))
    assert table.schema.names == ["code", "nom", "valeur"]
    assert table.num_rows == 0


def test_tsv_extension_and_single_column(tmp_path: Path, read) -> None:
    options, table = read(write(tmp_path / "f.tsv", "nom\nTanger\nFès\n"))
    assert options["format"] == "tsv" and options["delimiter"] == "\t"
    assert table.column("nom").to_pylist() == ["Tanger", "Fès"]


def test_too_many_fields_names_the_line(tmp_path: Path, read) -> None:
    path = write(tmp_path / "f.csv", "a;b;c\n1;2;3\n4;5;6\n7;8;9;10\n")
    with pytest.raises(FileFormatError) as err:
        read(path)
    assert err.value.context == {"file": "f.csv", "line": 4}
    assert "too many fields: expected 3" in str(err.value) and "found 4" in str(err.value)


def test_too_few_fields_names_the_line(tmp_path: Path, read) -> None:
    path = write(tmp_path / "f.csv", "a;b;c\n1;2;3\n4;5\n")
    with pytest.raises(FileFormatError, match="too few fields: expected 3") as err:
        read(path)
    assert err.value.context["line"] == 3


def test_ragged_row_late_in_a_big_file_names_its_line(tmp_path: Path, read) -> None:
    lines = ["id,texte"] + [f"{i},ligne {i}" for i in range(300_000)] + ["x,y,z"]
    path = write(tmp_path / "f.csv", "\n".join(lines) + "\n")
    with pytest.raises(FileFormatError) as err:
        read(path)
    assert err.value.context["line"] == 300_002


def test_unclosed_quote_names_the_line(tmp_path: Path, read) -> None:
    path = write(tmp_path / "f.csv", 'a,b\n1,2\n3,"jamais fermé\n')
    with pytest.raises(FileFormatError, match="never closed") as err:
        read(path)
    assert err.value.context["line"] == 3


def test_batches_are_bounded_and_in_file_order(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", "n;v\n" + "".join(f"{i};{i * 2}\n" for i in range(25_000)))
    with open_source(path, ReadOptions(batch_rows=1_000)) as source:
        batches = list(source.batches())
    assert max(b.num_rows for b in batches) <= 1_000
    assert [int(v) for b in batches for v in b.column("n").to_pylist()] == list(range(25_000))


def test_resolved_options_replay_the_same_read(tmp_path: Path, read) -> None:
    path = write(tmp_path / "f.csv", "titre\ncode|nom\n01|Salé\n", encoding="cp1252")
    options, first = read(path, skip_rows=1)
    assert options == {"format": "csv", "encoding": "cp1252", "delimiter": "|", "quote": '"',
                       "header": True, "skip_rows": 1}
    again, second = read(path, **options)
    assert again == options and second.equals(first)


def test_crlf_line_ends_leave_no_carriage_return(tmp_path: Path, read) -> None:
    _, table = read(write(tmp_path / "f.csv", "a;b\r\n1;fin\r\n"))
    assert table.to_pylist() == [{"a": "1", "b": "fin"}]


def test_all_blank_after_skip_is_a_clear_error(tmp_path: Path, read) -> None:
    with pytest.raises(FileFormatError, match="no rows") as err:
        read(write(tmp_path / "f.csv", "titre\n\n"), skip_rows=5)
    assert "--skip-rows" in str(err.value)


def test_semicolon_wins_over_decimal_comma_when_the_header_says_so(tmp_path):
    from jazari.factory.readers import open_source

    path = tmp_path / "fr.csv"
    path.write_text("id;valeur\n" + "".join(f"{i};{i},5\n" for i in range(50)), encoding="utf-8")
    with open_source(path) as source:
        assert source.options["delimiter"] == ";"
        assert source.schema.names == ["id", "valeur"]
        first = next(source.batches())
    assert first.column("valeur")[0].as_py() == "0,5"
