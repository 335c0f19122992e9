"""The scanner compiled with Cython finds what its sources find; a stale build never runs; the collector comes back."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
import warnings
from enum import StrEnum
from pathlib import Path

import pytest

from jazari.privacy import compiled
from jazari.privacy.corpus import generate
from jazari.privacy.scanner import Scanner, default_scanner, scan_many, scan_text

_DUMP = """
import json, sys
from jazari.privacy import compiled
from jazari.privacy.corpus import generate
from jazari.privacy.scanner import scan_many
texts = [s.text for split in ("dev", "test") for s in generate(150, seed=7, split=split)]
texts += ["0612345678 " * 400, "a@" * 5000, "\u0645\u064e" * 3000, "IBAN MA64 0117 8000 0001 2300 0012 3456"]
print(json.dumps({"compiled": compiled.compiled(), "found": [[list(f) for f in found] for found in scan_many(texts)]}))
"""


def _dump(pure: bool) -> dict:
    env = {**os.environ, "JAZARI_CACHE_DIR": "", compiled.PURE_PYTHON: "1" if pure else ""}
    out = subprocess.run([sys.executable, "-c", _DUMP], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_compiled_scanner_finds_what_the_sources_find():
    built = _dump(pure=False)
    if not any(built["compiled"].values()):
        pytest.skip("the scanner is not compiled here (no C compiler at install): nothing to compare")
    sources = _dump(pure=True)
    assert not any(sources["compiled"].values())
    package = Path(compiled.__file__).parent
    for module, is_compiled in built["compiled"].items():
        source = package.joinpath(*module.split(".")).with_suffix(".py")
        # where `pip install` or `make build` compiled a module (and it is not older than its source), it runs
        assert is_compiled == (compiled.build_of(source) is not None and not compiled.stale(source, compiled.build_of(source)))
    assert built["found"] == sources["found"]
    assert sum(map(len, built["found"])) > 300  # the texts have personal data to find


def _fake_package(tmp_path: Path, build_age: float, name: str = "mod") -> tuple[Path, Path]:
    package = tmp_path / "fakepkg"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("")
    source = package / f"{name}.py"
    source.write_text("WHERE = 'source'\n")
    built = package / f"{name}{compiled.EXTENSION_SUFFIXES[0]}"
    built.write_bytes(b"not a real build: importing it would fail")
    now = time.time()
    os.utime(source, (now, now))
    os.utime(built, (now - build_age, now - build_age))
    return package, source


@pytest.fixture
def built_here() -> None:
    if not any(compiled.compiled().values()):
        pytest.skip("the scanner is not compiled here (no C compiler at install)")


@pytest.fixture
def fake_imports(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    finders = list(sys.meta_path)
    yield
    sys.meta_path[:] = finders
    for name in [n for n in sys.modules if n == "fakepkg" or n.startswith("fakepkg.")]:
        del sys.modules[name]


def test_a_build_older_than_its_source_is_not_run(tmp_path, fake_imports, monkeypatch):
    monkeypatch.delenv(compiled.PURE_PYTHON, raising=False)
    package, source = _fake_package(tmp_path, build_age=3600)
    with pytest.warns(RuntimeWarning, match=r"compiled fakepkg\.mod is older than the source.*make build"):
        chosen = compiled.use_sources_when_stale(package, "fakepkg", ("mod",))
    assert chosen == {"fakepkg.mod": source}
    import fakepkg.mod  # type: ignore[import-not-found]

    assert fakepkg.mod.WHERE == "source"


def test_one_stale_build_runs_every_source(tmp_path, fake_imports, monkeypatch):
    # the builds share C types: a fresh build beside the source of a module it takes types from would not load
    monkeypatch.delenv(compiled.PURE_PYTHON, raising=False)
    _, fresh = _fake_package(tmp_path, build_age=1, name="fresh")
    package, old = _fake_package(tmp_path, build_age=3600, name="old")
    with pytest.warns(RuntimeWarning, match=r"compiled fakepkg\.old is older"):
        chosen = compiled.use_sources_when_stale(package, "fakepkg", ("fresh", "old"))
    assert chosen == {"fakepkg.fresh": fresh, "fakepkg.old": old}
    import fakepkg.fresh  # type: ignore[import-not-found]

    assert fakepkg.fresh.WHERE == "source"


_STALE_BASE = """
import importlib.util, sys
from pathlib import Path
package = Path(importlib.util.find_spec("jazari").submodule_search_locations[0]) / "privacy"  # not imported yet
spec = importlib.util.spec_from_file_location("helpers", package / "compiled.py")
helpers = importlib.util.module_from_spec(spec)
spec.loader.exec_module(helpers)
helpers.stale = lambda source, built: source.name == "base.py"  # as after an edit of recognizers/base.py
chosen = helpers.use_sources_when_stale(package, "jazari.privacy")
from jazari.privacy import compiled, scan_text
print(len(chosen), sum(compiled.compiled().values()), [f.entity for f in scan_text("CIN AB123456, tel 0612345678")])
"""


def test_an_edited_module_never_breaks_the_import(built_here: None) -> None:
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", _STALE_BASE], capture_output=True, text=True,
                         check=True, env={**os.environ, "JAZARI_CACHE_DIR": "", compiled.PURE_PYTHON: ""})
    assert out.stdout.split(maxsplit=2) == [str(len(compiled.MODULES)), "0", "['CIN', 'PHONE']\n"]


def test_a_fresh_build_is_left_to_python(tmp_path, fake_imports, monkeypatch):
    monkeypatch.delenv(compiled.PURE_PYTHON, raising=False)
    package, _ = _fake_package(tmp_path, build_age=1)  # written a moment apart, as an install does
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert compiled.use_sources_when_stale(package, "fakepkg", ("mod",)) == {}


def test_pure_python_runs_every_source_without_a_warning(tmp_path, fake_imports, monkeypatch):
    monkeypatch.setenv(compiled.PURE_PYTHON, "1")
    package, source = _fake_package(tmp_path, build_age=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert compiled.use_sources_when_stale(package, "fakepkg", ("mod",)) == {"fakepkg.mod": source}


class _Text(str):
    """A text of another `str` type (as `numpy.str_`, a `StrEnum` member, markup)."""


class _Kind(StrEnum):
    MESSAGE = "Appelez Mme Amina Alaoui au 06 61 23 45 67, CIN AB123456"


def test_texts_of_str_subclasses_are_scanned_as_their_characters():
    text = _Kind.MESSAGE.value
    expected = scan_text(text)
    assert len(expected) >= 3
    assert scan_text(_Text(text)) == expected
    assert scan_text(_Kind.MESSAGE) == expected
    assert scan_many([_Text(text), _Kind.MESSAGE, text]) == [expected] * 3


def test_scan_many_pauses_the_collector_per_group_and_restores_it(monkeypatch):
    scanner = Scanner(default_scanner().recognizers)
    seen: list[bool] = []
    real = Scanner._scan_group_now

    def spy(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Scanner, "_scan_group_now", spy)
    texts = [s.text for s in generate(50, split="test")]
    assert gc.isenabled()
    assert scanner.scan_many(texts) == scan_many(texts)
    assert seen and not any(seen) and gc.isenabled()
    gc.disable()
    try:
        scanner.scan_many(texts)
        assert not gc.isenabled()  # left off by its owner: not turned on
    finally:
        gc.enable()

    def fail(self, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(Scanner, "_scan_group_now", fail)
    with pytest.raises(RuntimeError):
        scanner.scan_many(texts)
    assert gc.isenabled()
