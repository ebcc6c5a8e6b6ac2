# SPDX-License-Identifier: Apache-2.0
"""Ecosystem short names (``tokens.py``, ``data/licenses/ecosystems/shortnames.yaml``)."""

from __future__ import annotations

import pytest

from clearance.enrich.licenses import normalize_license
from clearance.enrich.licenses.conflicts import restrictiveness_of
from clearance.enrich.licenses.spdxdata import spdx_exceptions, spdx_licenses
from clearance.enrich.licenses.tokens import _table, spdx_id
from clearance.enrich.licenses.vocabulary import default_vocabulary


def test_the_shipped_table_names_only_ids_that_exist() -> None:
    table = _table()
    listed, vocab = spdx_licenses(), default_vocabulary()
    for name, template in table.dep5.items():
        if template.unversioned is not None:
            for part in template.unversioned.replace(" OR ", " ").split():
                assert part in listed or vocab.get(part) is not None, (name, part)
    exceptions = set(spdx_exceptions())
    for words, entry in table.exceptions.items():
        for eid in ([entry.id] if entry.id else []) + list(entry.by_major.values()):
            assert eid in exceptions, (words, eid)
    for old, new in table.deprecated.items():
        assert old in listed and listed[old]["deprecated"], old
        assert " " in new or new in listed, new


@pytest.mark.parametrize(("raw", "expected"), [
    ("GPL-2+", "GPL-2.0-or-later"),
    ("LGPL-2.1", "LGPL-2.1-only"),
    ("Expat", "MIT"),
    ("Artistic", "Artistic-1.0-Perl"),
    ("Perl", "Artistic-1.0-Perl OR GPL-1.0-or-later"),
    ("GFDL-NIV-1.3", "GFDL-1.3-no-invariants-only"),
    ("OpenLDAP-2.8", "OLDAP-2.8"),
    ("Apache-2.0+", "Apache-2.0"),
    ("MPLv2", "MPL-2.0"),
    ("gpl-2.0-with-autoconf-exception", "GPL-2.0-only WITH Autoconf-exception-2.0"),
    ("GPL-3+ with Autoconf exception", "GPL-3.0-or-later WITH Autoconf-exception-3.0"),
    ("LGPL-2.1 with Digia-1.1 exception", "LGPL-2.1-only WITH Qt-LGPL-exception-1.1"),
    ("LGPL-2.1+ with OpenSSL exception", "LGPL-2.1-or-later"),
    ("X11", "X11"),
    ("OPL-1.0", "OPL-1.0"),
    ("LAL-1.3", "LAL-1.3"),
])
def test_short_names(raw: str, expected: str) -> None:
    assert normalize_license(raw).id == expected


@pytest.mark.parametrize("raw", ["BSD-3-clause-Regents", "MIT-OpenVision", "Expat-UNM",
                                 "DONT-CHANGE-THE-GPL", "Hybrid-BSD"])
def test_a_named_variant_is_custom_never_the_licence_it_is_named_after(raw: str) -> None:
    assert normalize_license(raw).id == "LicenseRef-clearance-custom"


@pytest.mark.parametrize(("raw", "expected"), [
    ("BSL-1.0 and NIST", "BSL-1.0 AND LicenseRef-clearance-custom"),
    ("GPL-1+ or Artistic, and BSD-4-clause-POWERDOG",
     "(GPL-1.0-or-later OR Artistic-1.0-Perl) AND LicenseRef-clearance-custom"),
    ("LGPLv3+_or_GPLv2+", "LGPL-3.0-or-later OR GPL-2.0-or-later"),
])
def test_a_list_keeps_the_licences_it_cannot_read(raw: str, expected: str) -> None:
    got = normalize_license(raw).id
    assert got == expected
    assert restrictiveness_of(got) >= restrictiveness_of(expected.split(" AND ")[0])


@pytest.mark.parametrize(("raw", "expected"), [
    ("https://spdx.org/licenses/OLDAP-2.8.html", "OLDAP-2.8"),
    ("http://www.eclipse.org/org/documents/edl-v10.php", "BSD-3-Clause"),
    ("http://www.mozilla.org/MPL/MPL-1.1.html", "MPL-1.1"),
    ("https://glassfish.dev.java.net/public/CDDL+GPL_1_1.html",
     "CDDL-1.1 OR GPL-2.0-only WITH Classpath-exception-2.0"),
    ("info:eu-repo/semantics/closedAccess", "all-rights-reserved"),
    ("info:eu-repo/semantics/openAccess", "unknown"),
])
def test_ecosystem_urls_and_access_rights(raw: str, expected: str) -> None:
    assert normalize_license(raw).id == expected


def test_spdx_ids_in_any_case_and_deprecated_ids_forward() -> None:
    assert spdx_id("gpl-2.0+") == "GPL-2.0-or-later"
    assert spdx_id("StandardML-NJ") == "SMLNJ"
    assert spdx_id("not-a-licence") is None
