"""Build Jazari: the privacy scanner's hot modules compiled with Cython when a C compiler is there.

The modules are listed in src/jazari/privacy/compiled.py (`MODULES`). Each is an optional extension:
without a compiler (or with `JAZARI_PURE_PYTHON=1`) the install succeeds and the same modules run as
Python sources. Everything else about the package is declared in pyproject.toml.
"""

import os
import runpy
import sys

from setuptools import Extension, setup

COMPILED = runpy.run_path(os.path.join("src", "jazari", "privacy", "compiled.py"))


def extensions() -> list:
    if COMPILED["pure_python"]():
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:  # a build without its requirements (`--no-build-isolation`): the sources run
        print("warning: Cython is not installed: the privacy scanner runs as Python sources", file=sys.stderr)
        return []

    modules = [
        # -Wno-array-bounds: GCC 12 misreads how Cython's generated code reads None and small ints
        Extension(f"jazari.privacy.{m}", [os.path.join("src", "jazari", "privacy", *m.split(".")) + ".py"],
                  extra_compile_args=["-Wno-array-bounds"])
        for m in COMPILED["MODULES"]
    ]
    # language_level 3: Python 3 semantics; annotations type the locals they name (a `float` is a C double)
    built = cythonize(modules, compiler_directives={"language_level": 3}, build_dir=os.path.join("build", "cython"),
                      quiet=True)
    for extension in built:
        extension.optional = True  # cythonize makes new extensions, without it: no compiler, no build, no failure
    return built


setup(ext_modules=extensions(), options={"build_ext": {"parallel": os.cpu_count() or 1}})
