"""The scanner's modules compiled with Cython, and the sources run instead of a build older than them.

`pip install` (setup.py) compiles the modules of `MODULES` with Cython when a C compiler is there: the
same Python code, run without the interpreter's dispatch, with C types for the hottest loops declared
in `.pxd` files beside the sources (1.47x-1.54x the texts/s of the sources, see docs/benchmarks.md).
Without a compiler the install still succeeds and the sources run, slower; what a scan finds is the
same either way (tests/privacy/test_compiled.py).

An editable install keeps each compiled module (`scanner.cpython-311-x86_64-linux-gnu.so`) beside its
source, and Python prefers it. After an edit or a `git pull`, that build would silently run the old
code: `use_sources_when_stale()` (called on `import jazari.privacy`) runs the sources of all of them
when any build is older than its source (the builds share C types), with a warning; `make build` compiles again (also after a `.pxd`
changed, which this check does not see: types change the speed, not the results).
`JAZARI_PURE_PYTHON=1` runs every source (and, set while installing, compiles nothing).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from pathlib import Path
from types import ModuleType

# the modules a scan spends its time in (module names under `jazari.privacy`); setup.py reads this list
MODULES = (
    "scanner",
    "lexicon",
    "normalize",
    "prefilter",
    "recognizers.base",
    "recognizers.contact",
    "recognizers.dates",
    "recognizers.finance",
    "recognizers.ids",
    "recognizers.name_cues",
    "recognizers.names",
    "recognizers.places",
)
PURE_PYTHON = "JAZARI_PURE_PYTHON"
# an install writes a module's source and its build a moment apart, in either order: a source newer than its
# build by more than this was changed after the build
STALE_AFTER = 10.0

EXTENSION_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)
_PACKAGE = Path(__file__).resolve().parent


def pure_python() -> bool:
    """Whether `JAZARI_PURE_PYTHON` asks for the sources (when running) or for no build (when installing)."""
    return os.environ.get(PURE_PYTHON, "").strip().lower() not in ("", "0", "false", "no")


def build_of(source: Path) -> Path | None:
    """The compiled module beside `source` (`x.py` -> `x.cpython-311-x86_64-linux-gnu.so`), if there is one."""
    for suffix in EXTENSION_SUFFIXES:
        built = source.with_name(source.stem + suffix)
        if built.is_file():
            return built
    return None


def stale(source: Path, built: Path) -> bool:
    """Whether `source` changed after `built` was compiled from it."""
    try:
        return source.stat().st_mtime > built.stat().st_mtime + STALE_AFTER
    except OSError:
        return False


class _Sources(importlib.abc.MetaPathFinder):
    """Imports the listed modules from their sources, before the path finder would take their builds."""

    def __init__(self, sources: dict[str, Path]) -> None:
        self.sources = sources

    def find_spec(self, name: str, path: object = None, target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        source = self.sources.get(name)
        return None if source is None else importlib.util.spec_from_file_location(name, source)


def use_sources_when_stale(package: Path = _PACKAGE, prefix: str = "jazari.privacy",
                           modules: tuple[str, ...] = MODULES) -> dict[str, Path]:
    """Run from source every module of `modules` (under `package`, named under `prefix`) when the build of any of
    them is stale, or with `JAZARI_PURE_PYTHON`; the sources so chosen, by module name. Call before they are imported.

    All of them, not only the stale ones: the builds share C types (`scanner` takes `Doc` as declared in
    `recognizers/base.pxd`), and a build refuses to load beside the source of a module whose types it uses."""
    pure = pure_python()
    built: dict[str, Path] = {}
    stale_ones: list[str] = []
    for module in modules:
        source = package.joinpath(*module.split(".")).with_suffix(".py")
        build = build_of(source)
        if build is not None and source.is_file():
            built[f"{prefix}.{module}"] = source
            if not pure and stale(source, build):
                stale_ones.append(f"{prefix}.{module}")
    if not built or not (pure or stale_ones):
        return {}
    if stale_ones:
        warnings.warn(f"the compiled {', '.join(stale_ones)} {'is' if len(stale_ones) == 1 else 'are'} older than "
                      "the source: running the sources of the scanner (slower); `make build` compiles again",
                      RuntimeWarning, stacklevel=2)
    sys.meta_path.insert(0, _Sources(built))
    return built


def compiled() -> dict[str, bool]:
    """Whether each module of `MODULES` runs compiled in this process (imports them)."""
    out = {}
    for module in MODULES:
        loaded = importlib.import_module(f"jazari.privacy.{module}")
        out[module] = isinstance(getattr(loaded, "__loader__", None), importlib.machinery.ExtensionFileLoader)
    return out
