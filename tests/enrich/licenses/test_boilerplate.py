# SPDX-License-Identifier: Apache-2.0
"""Pass 6 of issue 11: lines that state no licence (boilerplate.py), KDE-style proxy names
and other parties' LicenseRefs (localnames.py), more restrictive relatives of a family and
BSD texts with added clauses (relatives.py); their shipped data, validated."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.enrich.licenses import normalize_license
from clearance.enrich.licenses.boilerplate import boilerplate, states_nothing
from clearance.enrich.licenses.conflicts import restrictiveness_of
from clearance.enrich.licenses.localnames import foreign_ref, local_names_table
from clearance.enrich.licenses.relatives import relatives
from clearance.enrich.licenses.spdxdata import spdx_licenses
from clearance.enrich.licenses.vocabulary import default_vocabulary
from clearance.errors import KnowledgeBaseError


def test_shipped_data_loads() -> None:
    data = boilerplate()
    assert data.grants and data.pointers and data.boilerplate
    assert local_names_table().proxies["kdeev"].verified is False
    vocab = default_vocabulary()
    for lid in relatives().ids:
        # a relative is outside the vocabulary (unknown AI terms) and has an SPDX text
        assert vocab.get(lid) is None and spdx_licenses()[lid]["text"], lid


def test_a_malformed_relatives_file_names_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    import clearance.enrich.licenses.relatives as mod

    monkeypatch.setattr(mod, "load_shipped",
                        lambda model, _relative: model(ids=["No-Such-Licence"]))
    mod.relatives.cache_clear()
    try:
        with pytest.raises(KnowledgeBaseError, match="relatives.yaml"):
            mod.relatives()
    finally:
        mod.relatives.cache_clear()


@pytest.mark.parametrize(("raw", "expected"), [
    # pointers alone state nothing (Debian copyright files)
    ("/usr/share/common-licenses/Apache-2.0", "unknown"),
    ("On Debian systems the full text of the MPL-2.0 can be found in", "unknown"),
    ("See the file COPYING for details", "unknown"),
    # a statement beside a pointer is read
    ("is licensed under the GPL-3+, see `/usr/share/common-licenses/GPL-3'",
     "GPL-3.0-or-later"),
    ("BSD license (see license.txt for details)", "LicenseRef-clearance-bsd-unversioned"),
    # GNU sentences that grant nothing, headings, a licence defining its own name
    ("GNU Lesser General Public License for more details.", "unknown"),
    ("You should have received a copy of the GNU General Public License", "unknown"),
    ("Commercial License Usage", "unknown"),
    ("---- LLVM Exceptions to the Apache 2.0 License ----", "unknown"),
    # a card with a licence field between dashes is not a heading
    ("---\nlicense: mit\n---", "MIT"),
    # KDE's proxy names: each version an option, later versions accepted by KDE e.V. custom
    ("GPL-2+3+KDEeV", "GPL-2.0-only OR GPL-3.0-only OR LicenseRef-clearance-custom"),
    ("LGPL-2.1+3+KDEeV", "LGPL-2.1-only OR LGPL-3.0-only OR LicenseRef-clearance-custom"),
    ("GPL-2+Unknown", "LicenseRef-clearance-custom"),
    # REUSE-style glued operators; other parties' LicenseRefs
    ("MIT_OR_Apache-2.0", "MIT OR Apache-2.0"),
    ("LicenseRef-Acme-Proprietary", "LicenseRef-clearance-custom"),
    ("LicenseRef-scancode-public-domain", "public-domain"),
    # numbered and "-unlimited" DEP-5 local names
    ("other3", "LicenseRef-clearance-custom"),
    ("autoconf-unlimited", "LicenseRef-clearance-custom"),
    # a GNU version in a notice or a short name in a sentence
    ("the terms of the GNU Free Documentation License, Version 1.2 or any later",
     "GFDL-1.2-or-later"),
    ("and is licensed under the LGPL version 2.1, see above.", "LGPL-2.1-only"),
    ("Use of this source code is governed by a BSD-style license", "LicenseRef-clearance-custom"),
])
def test_pointers_boilerplate_and_relatives(raw: str, expected: str) -> None:
    assert normalize_license(raw).id == expected


def test_states_nothing_reasons() -> None:
    assert "pointer" in (states_nothing("See '/usr/share/common-licenses/GPL-3'") or "")
    assert states_nothing("Released under the MIT license, see LICENSE") is None
    assert states_nothing(" ".join(["word"] * 45) + " for more details") is None
    assert foreign_ref("LicenseRef-clearance-custom") is None


_BSD3 = ("Redistribution and use in source and binary forms, with or without modification, are "
         "permitted provided that the following conditions are met:\n1. Redistributions of "
         "source code must retain the above copyright notice, this list of conditions and the "
         "following disclaimer.\n2. Redistributions in binary form must reproduce the above "
         "copyright notice, this list of conditions and the following disclaimer in the "
         "documentation and/or other materials provided with the distribution.\n3. Neither the "
         "name of the copyright holder nor the names of its contributors may be used to endorse "
         "or promote products derived from this software without specific prior written "
         "permission.\n{extra}THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND "
         "CONTRIBUTORS \"AS IS\" AND ANY EXPRESS OR IMPLIED WARRANTIES ARE DISCLAIMED.")


def test_bsd_text_with_an_added_clause_is_custom() -> None:
    assert normalize_license(_BSD3.format(extra="")).id == "BSD-3-Clause"
    added = "4. Modified versions must carry a notice stating what was changed.\n"
    assert normalize_license(_BSD3.format(extra=added)).id == "LicenseRef-clearance-custom"


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["GNU General Public License", "Apache License 2.0", "MIT License",
                        "LGPL-2.1"]),
       st.sampled_from(["can be found in /usr/share/common-licenses/X", "for more details",
                        "You should have received a copy of the", "See the file COPYING and"]))
def test_boilerplate_never_less_restrictive_than_unknown(name: str, sentence: str) -> None:
    vocab = default_vocabulary()
    for text in (f"{sentence} {name}", f"{name} {sentence}"):
        assert restrictiveness_of(normalize_license(text).id, vocab) >= \
            restrictiveness_of("unknown", vocab), text
