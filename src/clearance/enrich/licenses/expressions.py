# SPDX-License-Identifier: Apache-2.0
"""SPDX license expressions in a licence value: :func:`read_expression`.

Every symbol of "MIT OR Apache-2.0", "GPL-2.0-only WITH Classpath-exception-2.0" or
"GPL-3.0-only OR LicenseRef-Commercial" must resolve (a vocabulary id, an SPDX id in any case,
an alias, a DEP-5 short name, another party's ``LicenseRef-*`` as custom terms), or the value
is not read as an expression. :func:`render` gives the normalised form of an expression
(``license-expression`` renders it); a comma is no SPDX operator (DEP-5's "A or B, and C" is
the list reader's job).
"""

from __future__ import annotations

import functools
import re

from license_expression import Licensing, get_spdx_licensing  # type: ignore[import-untyped]

from clearance.enrich.licenses.localnames import foreign_ref
from clearance.enrich.licenses.tokens import read_token, spdx_id
from clearance.enrich.licenses.vocabulary import Vocabulary
from clearance.models import LicenseMatch

__all__ = ["plain_licensing", "read_expression", "render", "spdx_key"]

_OPS = {"and": "AND", "or": "OR", "with": "WITH"}
_EXPR_TOKEN = re.compile(r"\(|\)|[^\s()]+")


@functools.lru_cache(maxsize=1)
def _spdx() -> Licensing:
    return get_spdx_licensing()


@functools.lru_cache(maxsize=1)
def plain_licensing() -> Licensing:
    return Licensing()


@functools.lru_cache(maxsize=4096)
def spdx_key(token: str, exception: bool) -> str | None:
    """Return the SPDX list's spelling of a licence or exception key, or None."""
    try:
        info = _spdx().validate(f"MIT WITH {token}" if exception else token)
    except Exception:  # the third-party parser asserts on hostile input
        return None
    if info.errors or info.invalid_symbols:
        return None
    rendered = str(info.normalized_expression)
    return rendered.split(" WITH ", 1)[1] if exception else rendered


def _token_id(token: str, vocab: Vocabulary) -> str | None:
    canon = vocab.canonical_id(token)
    if canon is not None:
        return canon
    listed = spdx_id(token)
    if listed is not None and " " not in listed:
        return listed
    if any(c.isdigit() for c in token) or len(token) > 2:
        lid = vocab.lookup_alias(token)
        if lid is not None:
            return lid
    foreign = foreign_ref(token)
    if foreign is not None:
        return foreign
    found = spdx_key(token, False)
    if found is not None and " " not in found:
        return found
    short = read_token(token, vocab)
    return short.id if short is not None and " " not in short.id else None


def render(expression: str) -> str | None:
    try:
        return str(plain_licensing().parse(expression).render())
    except Exception:  # the third-party parser asserts on hostile input
        return None


def read_expression(text: str, vocab: Vocabulary) -> LicenseMatch | None:
    tokens = _EXPR_TOKEN.findall(text)
    # a comma is no SPDX operator: DEP-5's "A or B, and C" groups by it (the list reader's job)
    if len(tokens) > 200 or "," in text or not any(t.lower() in _OPS for t in tokens):
        return None
    out: list[str] = []
    after_with = False
    for token in tokens:
        op = _OPS.get(token.lower())
        if token in "()":
            out.append(token)
        elif op is not None:
            out.append(op)
            after_with = op == "WITH"
            continue
        else:
            canon = spdx_key(token, True) if after_with else _token_id(token, vocab)
            if canon is None:
                return None
            out.append(canon)
        after_with = False
    rendered = render(" ".join(out))
    if rendered is None:
        return None
    return LicenseMatch(rendered, 0.98, f"SPDX expression {rendered}", method="expression")
