# SPDX-License-Identifier: Apache-2.0
"""Manifest values reach the terminal with control characters escaped (issue 20, failure 8)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from clearance.cli import app
from clearance.textsafe import escape_control, rich_safe
from tests.fuzzing import budget

HOSTILE = "CC0\x1b]0;pwned\x07 \x1b[2J\x1b[31mred\r\x08\x9b31m \u202egnp.exe\u200b"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_escapes_are_made_visible() -> None:
    out = escape_control(HOSTILE)
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out and "\u202e" not in out
    assert out.startswith("CC0\\x1b]0;pwned\\x07 \\x1b[2J")
    assert "\\r\\x08\\x9b31m \\u202egnp.exe\\u200b" in out
    assert escape_control("Crème brûlée, 東京, Ωμέγα") == "Crème brûlée, 東京, Ωμέγα"
    assert escape_control("a\nb\tc", keep_newlines=True) == "a\nb\tc"
    assert escape_control("a\nb\tc") == "a\\nb\\tc"
    assert escape_control("lone \udcff surrogate") == "lone \\udcff surrogate"


def test_rich_markup_is_escaped_too() -> None:
    assert rich_safe("[link=file:///etc/passwd]x[/link]") == r"\[link=file:///etc/passwd]x\[/link]"


@budget(300)
@given(st.text())
def test_nothing_a_terminal_acts_on_passes(text: str) -> None:
    out = escape_control(text)
    for char in out:
        assert unicodedata.category(char) not in ("Cc", "Cs", "Zl", "Zp"), repr(char)
        assert char not in BIDI, repr(char)
    if text.isprintable() and text.isascii():
        assert out == text


def test_ingest_summary_prints_manifest_values_escaped(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(
        "url,license\n"
        f"https://a.example.com/1.jpg,{HOSTILE.replace(chr(13), '')}\n"
        "https://a.example.com/2.jpg,[link=file:///etc/passwd]click[/link]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["ingest", str(path)], color=True)
    assert result.exit_code == 0, result.output
    assert "\x1b]" not in result.output and "\x07" not in result.output
    assert "\\x1b]0;pwned" in result.output
    assert "[link=file:///etc/passwd]click[/link]" in result.output  # shown, not a hyperlink
    assert "\x1b]8;" not in result.output
