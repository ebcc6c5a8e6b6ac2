# SPDX-License-Identifier: Apache-2.0
"""Pass 7 of issue 11: DEP-5 local names written with '/', '~' or a prefix; "public domain"
only where a line states it of a work; assumptions; statements about part of a work
(parts.py); GNU exception and option lines; their shipped data, validated."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.enrich.licenses import normalize_license
from clearance.enrich.licenses.boilerplate import boilerplate
from clearance.enrich.licenses.conflicts import restrictiveness_of
from clearance.enrich.licenses.localnames import local_names_table
from clearance.enrich.licenses.parts import part_of_work
from clearance.enrich.licenses.vocabulary import default_vocabulary

CUSTOM = "LicenseRef-clearance-custom"


def test_shipped_data_loads() -> None:
    assert boilerplate().hedges
    assert "parts" in local_names_table().local.parts
    assert part_of_work("most of the files are under the MIT licence") is not None
    assert part_of_work("The files are under the MIT licence") is None


@pytest.mark.parametrize(("raw", "expected"), [
    # a named variant of a family is not the family
    ("MIT/Acme", CUSTOM),
    ("ISC/XY", CUSTOM),
    ("BSD-2-Clause/BSD-2-Clause", CUSTOM),
    ("Acme-MIT-0", CUSTOM),
    ("Zlib~Acme", CUSTOM),
    ("GPL-2.0-only AND MIT/Acme", f"GPL-2.0-only AND {CUSTOM}"),
    # two licences written with '/' stay a choice; a steward's word keeps the licence
    ("MIT/Apache-2.0", "MIT OR Apache-2.0"),
    ("gnu-gpl-2.0", "GPL-2.0-only"),
    # "public domain" only where a work is said to be in it
    ("This file is hereby placed in the public domain.", "public-domain"),
    ("the public domain of the United States, or", "unknown"),
    ("1999, Public Domain Software Ltd <info@example.org>", "unknown"),
    # assumptions and notes of what is missing state nothing
    ("Assuming Apache-2.0 like the rest of the project", "unknown"),
    ("No license headers in these files", "unknown"),
    # a statement about part of a work: the licence it names AND the rest's own terms
    ("Some of the code is licensed under the MIT license", f"MIT AND {CUSTOM}"),
    # an exception paragraph or one option of a choice, cut from its notice
    ("As a special exception to the GNU Lesser General Public License, you", "unknown"),
    ("b) the Artistic License as published by", "unknown"),
    # DEP-5 spellings: dots, an unnamed exception, two names joined by -or-
    ("FSF.All.Permissive", "FSFAP"),
    ("GPL-2+-exc", "GPL-2.0-or-later"),
    ("AGPL-3-or-GPL-3", "AGPL-3.0-only OR GPL-3.0-only"),
])
def test_variants_parts_and_hedges(raw: str, expected: str) -> None:
    assert normalize_license(raw).id == expected


_NAMES = st.sampled_from(["MIT", "ISC", "BSD-3-Clause", "Apache-2.0", "GPL-2+", "Expat", "Zlib"])
_WORDS = st.from_regex(r"[A-Z][a-z]{2,8}", fullmatch=True)


@settings(max_examples=150, deadline=None)
@given(_NAMES, _WORDS, st.sampled_from(["/", "~", "-"]))
def test_a_name_with_a_word_of_its_own_is_never_the_family(name: str, word: str,
                                                           glue: str) -> None:
    vocab = default_vocabulary()
    raw = f"{word}-{name}" if glue == "-" else f"{name}{glue}{word}"
    found = normalize_license(raw).id
    if found == "unknown" or " OR " in found:  # the word is a licence of its own: a list
        return
    assert restrictiveness_of(found, vocab) >= restrictiveness_of(CUSTOM, vocab), (raw, found)


@settings(max_examples=150, deadline=None)
@given(_NAMES, st.sampled_from(["Most of the files are", "Portions of the code are",
                                "Some of the sources are"]))
def test_a_statement_about_part_is_never_less_restrictive_than_the_whole(
    name: str, part: str
) -> None:
    vocab = default_vocabulary()
    whole = normalize_license(f"The files are licensed under {name}").id
    partial = normalize_license(f"{part} licensed under {name}").id
    assert restrictiveness_of(partial, vocab) >= restrictiveness_of(whole, vocab)
