"""The compiled Hyperscan database kept between processes: loaded when intact, rebuilt otherwise."""

from __future__ import annotations

from pathlib import Path

import hyperscan
import pytest

from jazari.privacy import Scanner, prefilter
from jazari.privacy.prefilter import Prefilter, cache_dir

PATTERNS = [(r"[0-9](?<![0-9] [0-9])[0-9]{5}(?![0-9])", 0), (r"[A-Z]{2}[0-9]{6}", 0), (r"x@y", 0)]
TEXTS = ["code 123456 ici", "AB123456", "rien", "écrire à x@y"]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JAZARI_CACHE_DIR", str(tmp_path))
    prefilter._database.cache_clear()  # as in a new process
    yield tmp_path / "hyperscan"
    prefilter._database.cache_clear()


def _fresh(patterns: list[tuple[str, int]] = PATTERNS) -> Prefilter:
    prefilter._database.cache_clear()
    return Prefilter(patterns)


def _no_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled instead of loaded")

    monkeypatch.setattr(hyperscan, "Database", refuse)  # what `_compile` makes before compiling


def test_second_build_loads_the_kept_database(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _fresh()
    assert [f.name for f in folder.glob("*.hsdb")] and first.active
    expected = [first.candidates(t) for t in TEXTS]
    _no_compiling(monkeypatch)
    second = _fresh()
    assert second.active
    assert [second.candidates(t) for t in TEXTS] == expected == [[0], [0, 1], [], [2]]


def test_scanner_from_the_kept_database_finds_the_same(folder: Path) -> None:
    texts = ["Mme Benali, tél 0661234567, CIN AB123456", "né le 12/03/1990", "192.168.1.10 a@b.ma", "rien"]
    built = Scanner()
    loaded = Scanner()  # its prefilter database read from the folder
    assert len(list(folder.glob("*.hsdb"))) == 1
    assert [loaded.scan(t) for t in texts] == [built.scan(t) for t in texts]
    assert [f.entity for f in loaded.scan(texts[0])] == ["PERSON", "PHONE", "CIN"]


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_damaged_file_is_rebuilt(folder: Path, damage: str) -> None:
    _fresh()
    (path,) = folder.glob("*.hsdb")
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        path.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
    else:
        path.write_bytes(b"not a database")
    again = _fresh()
    assert again.active and again.candidates(TEXTS[3]) == [2]
    assert path.read_bytes() == data  # written again, whole


def test_unwritable_or_disabled_cache_still_scans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("JAZARI_CACHE_DIR", str(blocker))  # a folder cannot be made under a file
    assert _fresh().candidates(TEXTS[0]) == [0]
    monkeypatch.setenv("JAZARI_CACHE_DIR", "")
    assert cache_dir() is None
    assert _fresh().candidates(TEXTS[0]) == [0]
    assert list(tmp_path.iterdir()) == [blocker]
    prefilter._database.cache_clear()


def test_default_folder_is_the_users_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JAZARI_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "jazari" / "hyperscan"


def test_only_the_most_recent_databases_are_kept(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefilter, "CACHE_KEEP", 2)
    for n in range(4):
        _fresh([*PATTERNS, (f"z{n}z", 0)])
    assert len(list(folder.glob("*.hsdb"))) == 2


def test_a_pattern_hyperscan_cannot_take_leaves_one_file(folder: Path) -> None:
    patterns = [*PATTERNS, (r"(?a:\w+)@jazari\b", 0)]  # Hyperscan cannot read `(?a:`: tried always
    built = _fresh(patterns)
    assert built.always == (3,)
    assert len(list(folder.glob("*.hsdb"))) == 1  # the database of the others, not one per pattern tried alone
    loaded = _fresh(patterns)
    assert loaded.always == (3,) and [loaded.candidates(t) for t in TEXTS] == [built.candidates(t) for t in TEXTS]
