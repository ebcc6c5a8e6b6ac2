# SPDX-License-Identifier: Apache-2.0
"""The code half: spans of real standard-library code, re-indented, re-wrapped, renamed."""

from __future__ import annotations

import random
import re
from pathlib import Path

from clearance.redteam.text.index import TextIndex
from tests.redteam.conftest import LICENSES

_IDENT = re.compile(r"\b[a-z_][a-z0-9_]{3,}\b")


def _pick(index: TextIndex, rng: random.Random) -> tuple[str, str]:
    sources = [s for s in index.sources() if s["tokens"] > 600]
    while True:
        src = rng.choice(sources)
        lines = index.source_text(src["id"]).splitlines(keepends=True)
        if len(lines) < 80:
            continue
        i = rng.randrange(0, len(lines) - 40)
        piece = "".join(lines[i : i + 30])
        if len(piece.split()) >= 80:
            return src["id"], piece


def _reindent(code: str) -> str:
    return re.sub(r"(?m)^( +)", lambda m: " " * (len(m.group(1)) // 2), code)


def _rename(code: str, rng: random.Random) -> str:
    names = sorted(set(_IDENT.findall(code)) - {"self", "return", "import", "from", "class",
                                                 "while", "raise", "except", "finally", "with",
                                                 "yield", "lambda", "elif", "else", "pass",
                                                 "break", "continue", "assert", "global",
                                                 "nonlocal", "async", "await", "none", "true",
                                                 "false", "def", "for", "not", "and"})
    mapping = {n: f"v{rng.randrange(10**6)}" for n in names}
    return _IDENT.sub(lambda m: mapping.get(m.group(), m.group()), code)


def _embed(piece: str, rng: random.Random) -> tuple[str, int, int]:
    prose = (LICENSES / "GPL-3").read_text(encoding="utf-8")
    a = rng.randrange(0, len(prose) - 2000)
    before = "Here is an implementation:\n```python\n"
    text = prose[a : a + 300] + "\n" + before + piece + "```\n" + prose[a + 300 : a + 600]
    start = 301 + len(before) + a * 0
    return text, start, start + len(piece)


def _found(index: TextIndex, text: str, source: str) -> bool:
    return any(m.source == source and m.tokens >= 50 for m in index.check(text))


def test_code_spans_are_found_reindented_and_rewrapped(code_index: TextIndex) -> None:
    rng = random.Random(5)
    hits = 0
    for i in range(100):
        source, piece = _pick(code_index, rng)
        changed = _reindent(piece) if i % 2 else piece.replace("\n", "\n\n")
        text, _, _ = _embed(changed, rng)
        hits += _found(code_index, text, source)
    assert hits >= 99


def test_renamed_identifiers_need_the_code_ids_profile(code_index: TextIndex,
                                                       code_ids_index: TextIndex) -> None:
    rng = random.Random(11)
    plain = ids = 0
    for _ in range(60):
        source, piece = _pick(code_ids_index, rng)
        text, _, _ = _embed(_rename(piece, rng), rng)
        plain += _found(code_index, text, source)
        ids += _found(code_ids_index, text, source)
    assert ids >= 59
    assert plain < ids


def test_directory_sources_carry_their_spdx_or_licence_file(code_index: TextIndex,
                                                            code_dir: Path) -> None:
    rows = {r["id"]: r for r in code_index.sources()}
    assert "json/decoder.py" in rows
    assert all(r["title"] for r in rows.values())


def test_unrelated_prose_is_not_code(code_index: TextIndex) -> None:
    for name in ("GPL-3", "Apache-2.0", "MPL-2.0"):
        assert code_index.check((LICENSES / name).read_text(encoding="utf-8")) == []
