# SPDX-License-Identifier: Apache-2.0
"""Lines around a licence that state none: pointers to a licence file, GNU boilerplate.

A copyright file, a source header or a README says more than "the work is under X": it says
where X's text is ("On Debian systems the full text of the GNU General Public License can be
found in /usr/share/common-licenses/GPL-2", "See the file COPYING"), repeats the sentences of
a GNU notice that grant nothing ("... GNU General Public License for more details", "You
should have received a copy ..."), and has headings ("GNU Lesser General Public License
Usage"). Such a line names a licence, and the name readers would read it as the work's
licence; read alone it states none, so the answer is ``unknown`` (the position is in
docs/licenses.md). A line that also grants ("is licensed under the GPL, see
/usr/share/common-licenses/GPL") is a statement and is left to the other readers.

:func:`states_nothing` decides for short texts (fewer than 40 words); the wording is data
(``data/licenses/readers/boilerplate.yaml``, validated when loaded).
"""

from __future__ import annotations

import functools
import re

from pydantic import BaseModel, ConfigDict

from clearance.yamlio import RegexText, load_shipped

__all__ = ["Boilerplate", "boilerplate", "states_nothing"]

_MAX_WORDS = 40
_URL = re.compile(r"\S*(?:/|://)\S*")
_ASIDE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


class Boilerplate(BaseModel):
    """The shape of ``boilerplate.yaml`` (every pattern compiles)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    grants: list[RegexText]
    pointers: list[RegexText]
    hedges: list[RegexText]
    boilerplate: list[RegexText]


@functools.lru_cache(maxsize=1)
def boilerplate() -> Boilerplate:
    """Return the shipped wording; a malformed file raises ``KnowledgeBaseError`` naming it."""
    return load_shipped(Boilerplate, "licenses/readers/boilerplate.yaml")


def _join(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE | re.MULTILINE)


@functools.lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern[str], ...]:
    data = boilerplate()
    return (_join(data.grants), _join(data.pointers), _join(data.boilerplate),
            _join(data.hedges))


def states_nothing(text: str) -> str | None:
    """Return why a short text states no licence for a work (a pointer to a licence file, a
    GNU notice sentence that grants nothing, a heading, an assumption), or None when it may
    state one."""
    if len(text.split()) >= _MAX_WORDS:
        return None
    grants, pointers, sentences, hedges = _compiled()
    found = hedges.search(_URL.sub(" ", text))  # "/licenses/assumed-1991-2003/" names one
    if found is not None:
        return (f"an assumption or a note of what is missing ({found.group(0).strip()!r}): the "
                "writer did not find the licence, so the line states none")
    # an aside in brackets neither grants nor points ("or the Artistic License (the same terms
    # as Perl itself)", "BSD license (see license.txt)"): what the line states is outside it
    plain = _ASIDE.sub(" ", text)
    if grants.search(plain) is not None:
        return None
    found = pointers.search(plain)
    if found is not None:
        return (f"a pointer to a licence text ({found.group(0).strip()!r}): it says where a "
                "text is, not that a work is under it")
    found = sentences.search(text)
    if found is not None:
        return (f"a sentence or heading that grants nothing ({found.group(0).strip()[:40]!r})"
                ": it states no licence for a work")
    return None
