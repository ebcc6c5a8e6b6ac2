# SPDX-License-Identifier: Apache-2.0
"""Properties of normalisation, tokens, k-grams and winnowing (hypothesis), and the readers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.errors import ManifestError
from clearance.redteam.text.check import read_outputs
from clearance.redteam.text.corpus import iter_corpus
from clearance.redteam.text.tokens import (
    PROFILES,
    char_spans,
    kgram_hashes,
    normalize,
    tokenize,
    winnow,
)

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


def _strings(text: str, profile: str) -> list[bytes]:
    norm = normalize(text, profile).encode("utf-8")
    t = tokenize(norm, profile)
    return [norm[a:b] for a, b in zip(t.starts.tolist(), t.ends.tolist(), strict=True)]


@settings(deadline=None)
@given(texts, st.sampled_from(PROFILES))
def test_tokens_are_non_empty_ordered_and_hash_by_content(text: str, profile: str) -> None:
    norm = normalize(text, profile).encode("utf-8")
    t = tokenize(norm, profile)
    assert (t.ends > t.starts).all()
    assert (t.starts[1:] >= t.ends[:-1]).all()
    strings = [norm[a:b] for a, b in zip(t.starts.tolist(), t.ends.tolist(), strict=True)]
    if profile != "code-ids":
        by_string: dict[bytes, int] = {}
        for s, h in zip(strings, t.hashes.tolist(), strict=True):
            assert by_string.setdefault(s, h) == h
        assert len(set(strings)) == len(set(t.hashes.tolist()))


@settings(deadline=None)
@given(texts, texts, st.sampled_from(PROFILES))
def test_whitespace_joins_token_lists(a: str, b: str, profile: str) -> None:
    assert _strings(a + "\n " + b, profile) == _strings(a, profile) + _strings(b, profile)


@settings(deadline=None)
@given(st.text(alphabet="abcdefghij KLMNOP,.;'\"-\n\t", max_size=300))
def test_case_layout_quotes_and_dashes_do_not_change_text_tokens(text: str) -> None:
    fancy = (text.upper().replace("\n", " \n  ").replace("'", "\u2019")
             .replace('"', "\u201c").replace("-", "\u2014"))
    assert tokenize(normalize(fancy)).hashes.tolist() == tokenize(normalize(text)).hashes.tolist()


@settings(deadline=None)
@given(texts)
def test_char_spans_point_into_the_original(text: str) -> None:
    norm = normalize(text)
    t = tokenize(norm)
    cs, ce = char_spans(text, norm, t.starts, t.ends)
    assert ((0 <= cs) & (cs <= ce) & (ce <= len(text))).all()
    if text.isascii():
        strings = _strings(text, "text")
        assert [text[a:b].lower().encode() for a, b in zip(cs, ce, strict=True)] == strings


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 2**63), min_size=1, max_size=400), st.integers(1, 30))
def test_winnowing_keeps_the_minimum_of_every_window(values: list[int], w: int) -> None:
    grams = np.array(values, dtype=np.uint64)
    kept = set(winnow(grams, w).tolist())
    for j in range(max(1, len(values) - w + 1)):
        window = grams[j : j + w]
        assert any(j + i in kept for i in np.flatnonzero(window == window.min()).tolist())


def test_kgrams_depend_on_order_and_profiles_differ() -> None:
    h = tokenize(normalize("alpha beta gamma delta")).hashes
    g = kgram_hashes(h, 2)
    assert len(g) == 3 and len(set(g.tolist())) == 3
    assert kgram_hashes(h[::-1].copy(), 4).tolist() != kgram_hashes(h, 4).tolist()
    assert _strings("東京タワー x_y", "text") == ["東".encode(), "京".encode(), "タ".encode(),
                                                  "ワ".encode(), "ー".encode(), b"x", b"y"]
    assert _strings("a----b", "code") == [b"a", b"----", b"b"]
    renamed = tokenize(normalize("for item in things: total += item", "code-ids"), "code-ids")
    other = tokenize(normalize("for x in ys: acc += x", "code-ids"), "code-ids")
    assert renamed.hashes.tolist() == other.hashes.tolist()


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_corpus_and_output_readers_never_crash_on_garbage(tmp_path_factory: pytest.TempPathFactory,
                                                          data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "x.jsonl"
    path.write_bytes(data)
    for reader in (lambda p: list(iter_corpus(p)), lambda p: list(read_outputs(p))):
        try:
            reader(path)
        except ManifestError as exc:
            assert "x.jsonl" in str(exc)


def test_readers_name_file_and_row(tmp_path: Path) -> None:
    path = tmp_path / "o.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "t"}) + "\n[1]\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=re.escape("o.jsonl, row 2")):
        list(read_outputs(path))
    folder = tmp_path / "proj"
    (folder / "src").mkdir(parents=True)
    (folder / "LICENSE").write_text(Path("/usr/share/common-licenses/Apache-2.0")
                                    .read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "src" / "a.py").write_text("x = 1\n", encoding="utf-8")
    (folder / "src" / "b.c").write_text("// SPDX-License-Identifier: MIT\nint x;\n",
                                        encoding="utf-8")
    (folder / "src" / "blob.bin").write_bytes(b"\x00\x01")
    found = {s.id: s.license for s in iter_corpus(folder)}
    assert found == {"LICENSE": "Apache-2.0", "src/a.py": "Apache-2.0", "src/b.c": "MIT"}
