# SPDX-License-Identifier: Apache-2.0
"""Real documents the project did not write, for the text red-team tests.

- Prose: the reStructuredText sources of the Python documentation, from Debian's
  ``python3-doc`` package (``scripts/test`` installs it when missing).
- Unrelated prose: the licence texts Debian ships in ``/usr/share/common-licenses``.
- Code: the Python standard library of the interpreter running the tests.
"""

from __future__ import annotations

import glob
import sysconfig
from pathlib import Path

import pytest

from clearance.redteam.text.build import IndexSettings, build_index
from clearance.redteam.text.corpus import iter_corpus
from clearance.redteam.text.index import TextIndex

LICENSES = Path("/usr/share/common-licenses")


def python_docs() -> Path:
    """Return the Python documentation sources; fail with what to install when missing."""
    found = sorted(glob.glob("/usr/share/doc/python3*/html/_sources"))
    if not found:
        pytest.fail("the Python documentation sources are missing: run ./scripts/test, or "
                    "apt-get install python3-doc")
    return Path(found[-1])


def stdlib() -> Path:
    """Return the standard library directory of this interpreter."""
    return Path(sysconfig.get_paths()["stdlib"])


@pytest.fixture(scope="session")
def docs_index(tmp_path_factory: pytest.TempPathFactory) -> TextIndex:
    """An index of the Python documentation (~500 documents, ~11 MB)."""
    out = tmp_path_factory.mktemp("docs") / "index"
    build_index(iter_corpus(python_docs()), out, workers=0)
    return TextIndex(out)


CODE_MODULES = ("json", "email", "http", "logging", "xml/dom", "urllib", "asyncio",
                "concurrent", "importlib")


@pytest.fixture(scope="session")
def code_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of a few standard-library packages (real code, PSF licence)."""
    root = tmp_path_factory.mktemp("stdlib")
    for name in CODE_MODULES:
        for path in sorted((stdlib() / name).rglob("*.py")):
            rel = path.relative_to(stdlib())
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(path.read_bytes())
    return root


@pytest.fixture(scope="session")
def code_index(tmp_path_factory: pytest.TempPathFactory, code_dir: Path) -> TextIndex:
    out = tmp_path_factory.mktemp("code") / "index"
    build_index(iter_corpus(code_dir), out, IndexSettings(profile="code"), workers=0)
    return TextIndex(out)


@pytest.fixture(scope="session")
def code_ids_index(tmp_path_factory: pytest.TempPathFactory, code_dir: Path) -> TextIndex:
    out = tmp_path_factory.mktemp("code-ids") / "index"
    build_index(iter_corpus(code_dir), out, IndexSettings(profile="code-ids"), workers=0)
    return TextIndex(out)
