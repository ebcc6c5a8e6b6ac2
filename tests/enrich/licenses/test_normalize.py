# SPDX-License-Identifier: Apache-2.0
"""normalize_license: every form the issue names, with confidence and evidence."""

from __future__ import annotations

import pytest

from clearance import normalize_license
from clearance.models import LicenseMatch


@pytest.mark.parametrize(
    ("raw", "expected", "method"),
    [
        ("CC-BY-NC-SA-4.0", "CC-BY-NC-SA-4.0", "id"),
        ("CC BY-NC 4.0", "CC-BY-NC-4.0", "alias"),
        ("Attribution-NonCommercial 4.0 International", "CC-BY-NC-4.0", "alias"),
        ("Apache 2", "Apache-2.0", "alias"),
        ("new BSD", "BSD-3-Clause", "alias"),
        ("\u00a9 2021 Foo. All rights reserved.", "all-rights-reserved", "phrase"),
        ("public domain", "public-domain", "alias"),
        ("other", "unknown", "alias"),
        ("creativecommons.org/licenses/by-sa/4.0/legalcode.de", "CC-BY-SA-4.0", "url"),
        ("http://creativecommons.org/licenses/by/3.0/de/", "CC-BY-3.0-DE", "url"),
        ("https://spdx.org/licenses/ODbL-1.0.html", "ODbL-1.0", "url"),
        ("MIT OR Apache-2.0", "MIT OR Apache-2.0", "expression"),
        ("GPL-2.0+", "GPL-2.0-or-later", "alias"),
        ("Released under the MIT license.", "MIT", "substring"),
        ("The project is licensed under CC-BY-4.0", "CC-BY-4.0", "cc-text"),
    ],
)
def test_forms_in_the_wild(raw: str, expected: str, method: str) -> None:
    found = normalize_license(raw)
    assert isinstance(found, LicenseMatch)
    assert (found.id, found.method) == (expected, method)
    assert 0.0 < found.confidence <= 1.0
    assert found.evidence and found.raw == raw


def test_unstated_version_is_recorded() -> None:
    found = normalize_license("cc-by-sa")
    assert found.id == "LicenseRef-clearance-cc-by-sa-unversioned"
    assert found.version_stated is False and "version not stated" in found.evidence
    assert normalize_license("CC BY-SA 4.0").version_stated is True


def test_empty_and_unrecognised_are_unknown_never_permissive() -> None:
    assert normalize_license("").id == "unknown"
    assert normalize_license("   ").confidence == 1.0
    odd = normalize_license("zzkq flurble 77")
    assert odd.id == "unknown" and odd.confidence < 0.5


def test_port_without_spdx_id_falls_back_and_says_so() -> None:
    found = normalize_license("https://creativecommons.org/licenses/by-sa/3.0/es/")
    assert found.id == "CC-BY-SA-3.0" and "port es" in found.evidence


def test_repository_links_are_not_guessed() -> None:
    found = normalize_license("https://github.com/org/repo/blob/main/LICENSE")
    assert found.id == "unknown" and "not fetched" in found.evidence


def test_text_matcher_reports_its_score() -> None:
    text = (
        "Redistribution and use in source and binary forms, with or without modification, are "
        "permitted provided that the following conditions are met: 1. Redistributions of source "
        "code must retain the above copyright notice, this list of conditions and the following "
        "disclaimer. 2. Redistributions in binary form must reproduce the above copyright notice, "
        "this list of conditions and the following disclaimer in the documentation and/or other "
        "materials provided with the distribution."
    )
    found = normalize_license(text)
    assert found.id == "BSD-2-Clause" and found.method == "text"
    assert found.score is not None and found.score >= 0.9
    assert f"{found.score:.2f}" in found.evidence


def test_carriers() -> None:
    html = '<p><a rel="license" href="https://creativecommons.org/licenses/by-nd/4.0/">x</a></p>'
    assert normalize_license(html).id == "CC-BY-ND-4.0"
    xmp = (
        '<rdf:Description><xmpRights:UsageTerms><rdf:Alt><rdf:li xml:lang="x-default">'
        "Licensed under CC BY-NC 4.0</rdf:li></rdf:Alt></xmpRights:UsageTerms></rdf:Description>"
    )
    found = normalize_license(xmp)
    assert (found.id, found.method) == ("CC-BY-NC-4.0", "xmp")
    card = normalize_license("license: other\nlicense_name: llama3.1\nlicense_link: LICENSE")
    assert (card.id, card.method) == ("LicenseRef-clearance-llama-3.1", "hf-card")


def test_several_licences_in_one_string() -> None:
    assert normalize_license("MIT or Apache 2.0").id == "MIT OR Apache-2.0"
    assert normalize_license("CC BY 4.0; ODbL").id == "CC-BY-4.0 AND ODbL-1.0"


def test_hostile_input_is_bounded() -> None:
    big = "<a rel=license href=" + "x" * 300_000
    assert normalize_license(big).id == "unknown"
    nested = "license: other\nlicense_name: " + "license: other\n" * 50
    assert normalize_license(nested).id == "unknown"
    assert len(normalize_license("y" * 10_000).raw) == 500


_BSD2 = ("Redistribution and use in source and binary forms, with or without modification, are "
         "permitted provided that the following conditions are met: 1. Redistributions of source "
         "code must retain the above copyright notice, this list of conditions and the following "
         "disclaimer. 2. Redistributions in binary form must reproduce the above copyright "
         "notice, this list of conditions and the following disclaimer in the documentation "
         "and/or other materials provided with the distribution. ")
_ENDORSE = ("3. The names of the contributors may not be used to endorse or promote products "
            "derived from this software without specific prior written permission. ")
_ADVERT = ("3. All advertising materials mentioning features or use of this software must "
           "display the following acknowledgement: This product includes software developed by "
           "the University. ")
_DISCLAIMER = ("THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS AS IS AND ANY "
               "EXPRESS OR IMPLIED WARRANTIES ARE DISCLAIMED.")
_MIT_GRANT = ("Permission is hereby granted, free of charge, to any person obtaining a copy of "
              "this "
              "software and associated documentation files (the Software), to deal in the "
              "Software without restriction, including without limitation the rights to use, "
              "copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the "
              "Software, and to permit persons to whom the Software is furnished to do so")


@pytest.mark.parametrize(("text", "expected"), [
    (_BSD2 + _DISCLAIMER, "BSD-2-Clause"),
    (_BSD2 + _ENDORSE + _DISCLAIMER, "BSD-3-Clause"),
    (_BSD2 + _ADVERT + "4. " + _ENDORSE[3:] + _DISCLAIMER, "BSD-4-Clause"),
    (_MIT_GRANT + ", subject to the following conditions: The above copyright notice and this "
     "permission notice (including the next paragraph) shall be included in all copies or "
     "substantial portions of the Software.", "MIT"),
    (_MIT_GRANT + ". THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND.", "MIT-0"),
    ("This package is free software; you can redistribute it and/or modify it under the terms "
     "version 2 of the GNU General Public License as published by the Free Software "
     "Foundation. This package is distributed in the hope that it will be useful, but WITHOUT "
     "ANY WARRANTY; without even the implied warranty of MERCHANTABILITY or FITNESS FOR A "
     "PARTICULAR PURPOSE. See the GNU General Public License for more details.", "GPL-2.0-only"),
])
def test_text_families_are_told_apart(text: str, expected: str) -> None:
    assert normalize_license(text).id == expected
