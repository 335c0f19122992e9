"""The scanner compiled with Cython finds what its sources find; a stale build never runs; the collector comes back."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from jazari.privacy import compiled
from jazari.privacy.corpus import generate
from jazari.privacy.scanner import Scanner, default_scanner, scan_many

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
    sources = _dump(pure=True)
    assert not any(sources["compiled"].values())
    package = Path(compiled.__file__).parent
    for module, is_compiled in built["compiled"].items():
        source = package.joinpath(*module.split(".")).with_suffix(".py")
        # where `pip install` or `make build` compiled a module (and it is not older than its source), it runs
        assert is_compiled == (compiled.build_of(source) is not None and not compiled.stale(source, compiled.build_of(source)))
    assert built["found"] == sources["found"]
    assert sum(map(len, built["found"])) > 300  # the texts have personal data to find


def _fake_package(tmp_path: Path, build_age: float) -> tuple[Path, Path]:
    package = tmp_path / "fakepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    source = package / "mod.py"
    source.write_text("WHERE = 'source'\n")
    built = package / f"mod{compiled.EXTENSION_SUFFIXES[0]}"
    built.write_bytes(b"not a real build: importing it would fail")
    now = time.time()
    os.utime(source, (now, now))
    os.utime(built, (now - build_age, now - build_age))
    return package, source


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
