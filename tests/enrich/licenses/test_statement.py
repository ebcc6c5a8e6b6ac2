# SPDX-License-Identifier: Apache-2.0
"""Does a text state a licence, or only mention one (statement.py); names that are not one
licence (localnames.py); and the shipped tables of both, validated."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.enrich.licenses import normalize_license
from clearance.enrich.licenses.conflicts import restrictiveness_of
from clearance.enrich.licenses.localnames import local_names_table
from clearance.enrich.licenses.spdxdata import spdx_licenses
from clearance.enrich.licenses.statement import (
    licence_fragment,
    mask_lowercase_acronyms,
    mentions_only,
    statement_lines,
    statements,
)
from clearance.enrich.licenses.vocabulary import default_vocabulary


def _resolves(lid: str) -> bool:
    vocab = default_vocabulary()
    return lid in ("unknown", "public-domain") or vocab.get(lid) is not None or \
        lid in spdx_licenses()


def test_shipped_tables_load_and_name_real_ids() -> None:
    table = local_names_table()
    for name, entry in table.ambiguous.items():
        assert len(entry.candidates) >= 2, name
        assert all(_resolves(c) for c in entry.candidates), name
    for group in (table.local.names, table.local.suffixes, table.local.prefixes):
        assert all(_resolves(lid) for lid in group.values())
    data = statements()
    assert data.cues and data.function_words and data.acronyms
    for grant in data.grants:
        assert normalize_license(grant.id).id.replace("(", "").replace(")", "") in (
            grant.id, " OR ".join(reversed(grant.id.split(" OR "))))
    re.compile(data.self_reference)


@pytest.mark.parametrize(("raw", "expected"), [
    # ambiguous bare names; context decides
    ("BSL", "unknown"), ("unicode", "unknown"), ("BSL-1.0", "BSL-1.0"),
    ("Boost Software License 1.0", "BSL-1.0"), ("Business Source License 1.1", "BUSL-1.1"),
    ("Unicode-data", "LicenseRef-clearance-custom"),
    # DEP-5 local names (debian/copyright files of glib2.0, dbus, libxnvctrl, time, xz-utils)
    ("Mingw-PD", "public-domain"), ("g10-permissive", "LicenseRef-clearance-custom"),
    ("other-XFree", "LicenseRef-clearance-custom"), ("probably-PD", "unknown"),
    ("freely-redistributable", "LicenseRef-clearance-custom"),
    ("LGPL-2.1+ and Iconv-PD", "LGPL-2.1-or-later AND public-domain"),
    # missing DEP-5 names
    ("GFDL-NIV-1.2+", "GFDL-1.2-no-invariants-or-later"),
    ("GFDL-1.2+-no-invariants", "GFDL-1.2-no-invariants-or-later"),
    ("GPL-2+-with-bison-exception", "GPL-2.0-or-later WITH Bison-exception-2.2"),
    ("EDL-1.0", "BSD-3-Clause"), ("OpenSSL+SSLeay", "OpenSSL"),
    ("BSD-2-Clause-NetBSD", "BSD-2-Clause"),
    # DEP-5 ", and" binds last, an unknown item is kept
    ("LGPL-2.1+ or MPL-1.1, and Expat", "(LGPL-2.1-or-later OR MPL-1.1) AND MIT"),
    ("NIST, and GPL-2+ or BSD-3-clause",
     "LicenseRef-clearance-custom AND (GPL-2.0-or-later OR BSD-3-Clause)"),
    # same terms as Perl (POD of CPAN modules), a grant beside "All rights reserved"
    ("This module is free software; you can redistribute it and/or modify it under the same "
     "terms as Perl itself.", "Artistic-1.0-Perl OR GPL-1.0-or-later"),
    ("Copyright (c) 2004 Jane Doe. All rights reserved. This program is free software; you "
     "can redistribute it and/or modify it under the same terms as Perl 5 itself.",
     "Artistic-1.0-Perl OR GPL-1.0-or-later"),
])
def test_names_and_grants(raw: str, expected: str) -> None:
    assert normalize_license(raw).id == expected


@pytest.mark.parametrize("raw", [
    # pieces of licence texts (MPL-2.0 section 3.3, EPL-2.0 section 3.1, CC BY 4.0 section 2)
    "must be made available in Source Code form under the terms of this License",
    "the Larger Work under the terms of such Secondary License(s), so that the recipient",
    "You may not offer or impose any additional or different terms on the Licensed Material",
    # prose that mentions licences (German, English)
    "Wer häufig auf CC-Inhalte (BY) zurückgreift, tut gut daran, dies mit Sorgfalt zu tun.",
    "Ich arbeite mit Kollegen an einem Projekt, das mit Creative Commons zu tun hat.",
    "We compared how the GPL and the Apache licence treat patents in this blog post today.",
])
def test_texts_that_state_no_licence_are_unknown(raw: str) -> None:
    assert normalize_license(raw).id in ("unknown", "LicenseRef-clearance-cc-unspecified")


def test_statement_helpers() -> None:
    assert mentions_only("Das Problem der CC-Lizenzen besteht vor allem darin, dass es so ist")
    assert not mentions_only("This work is licensed under a Creative Commons licence today")
    assert not mentions_only("Dieses Werk ist lizenziert unter einer Creative Commons Lizenz")
    assert licence_fragment("under the terms of the License, you may not", names_found=False)
    assert not licence_fragment("the terms of the MIT License", names_found=True)
    doc = "mylib\n=====\n\nA parser of licence expressions such as MIT or GPL.\n" + \
        "More words here to make the document long enough for the reader. " * 4 + \
        "\nLicense: Apache-2.0\n"
    lines = statement_lines(doc)
    assert lines is not None and "Apache-2.0" in lines and "GPL" not in lines
    assert normalize_license(doc).id == "Apache-2.0"
    assert "mit" not in mask_lowercase_acronyms("Das hat mit dem Urheberrecht nichts zu tun")
    assert "MIT" in mask_lowercase_acronyms("The code is under the MIT license, see the file")


_WORDS = st.sampled_from(["the", "licence", "License", "this", "der", "mit", "MIT", "GPL",
                          "under", "terms", "of", "Creative", "Commons", "BY", "4.0", "-PD",
                          "permissive", "BSL", ",", "and", "or", "Lizenz", "same", "Perl"])


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(_WORDS, min_size=1, max_size=30))
def test_readers_never_raise_and_stay_idempotent(words: list[str]) -> None:
    found = normalize_license(" ".join(words))
    assert normalize_license(found.id).id == found.id
    assert restrictiveness_of(found.id, default_vocabulary()) >= 0
