# SPDX-License-Identifier: Apache-2.0
"""Pass 8 (issue 11): the less-restrictive classes of the once-scored heldback6, each as a
mechanism, on strings other than heldback6's own (made up from the same shapes)."""

from __future__ import annotations

import pytest

from clearance.enrich.licenses import normalize_license


@pytest.mark.parametrize(("raw", "expected"), [
    # a line cut from inside a sentence: it begins with the word that joined it
    ("# of the GNU Lesser General Public License", "unknown"),
    ("and the GNU Affero General Public License", "unknown"),
    # a licence name as the subject of a plural verb: "the terms of" was on the line before
    ("GNU Lesser General Public License apply to the whole work", "unknown"),
    # a pointer worded "refer to", a URL in angle brackets
    ("For details, please refer to <https://opensource.org/licenses/MIT>", "unknown"),
    # "into / to the public domain" at the start is a line cut after its verb; negations
    ("to the public domain", "unknown"),
    ("This program is not in the public domain.", "unknown"),
    ("Foo is NOT public domain; see COPYING", "unknown"),
    # still read: a label, a statement, a grant beside a pointer
    ("(in the public domain)", "public-domain"),
    ("This file is placed into the public domain.", "public-domain"),
    ("Released under the MIT license, see LICENSE", "MIT"),
    # DEP-5 local names
    ("attribution", "LicenseRef-clearance-custom"),
    ("Attribution", "LicenseRef-clearance-cc-by-unversioned"),
    ("WTFPL-3", "LicenseRef-clearance-custom"),
    ("WTFPL-2", "WTFPL"),
    ("MIT-1", "MIT"),
    ("GPL-2+3+KDEeV-docs", "LicenseRef-clearance-custom"),
    ("GPL-2+3+KDEeV", "GPL-2.0-only OR GPL-3.0-only OR LicenseRef-clearance-custom"),
    # titles with a version after a comma or in brackets, and the text's date
    ("MOZILLA PUBLIC LICENSE, Version 2.0", "MPL-2.0"),
    ("SIL Open Font License (Version 1.1, 26 February 2007)", "OFL-1.1"),
    ("The Apache Software License, Version 1.1", "Apache-1.1"),
    ("Foo is licensed under the Mozilla Public License, Version 2.0", "MPL-2.0"),
    # a number cut by the lookahead is no version: "or any later" stays read
    ("the terms of the GNU Lesser General Public License, Version 2.1 or any later",
     "LGPL-2.1-or-later"),
    ("These icons have been put on the public domain.", "public-domain"),
    # a commented-out field, plural clause counts, the FSF's name of FSFAP
    ("# License: Spencer-94", "Spencer-94"),
    ("BSD-2-Clauses", "BSD-2-Clause"),
    ("GNU-All-Permissive", "FSFAP"),
    # a family name of several licences; a licence text defining its own name
    ("Adobe", "unknown"),
    ('THIS PUBLIC LICENSE ("AGREEMENT"). ANY USE OF THE PROGRAM', "unknown"),
])
def test_cut_lines_pointers_and_local_names(raw: str, expected: str) -> None:
    assert normalize_license(raw).id == expected
