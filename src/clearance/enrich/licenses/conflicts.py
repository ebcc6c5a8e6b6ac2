# SPDX-License-Identifier: Apache-2.0
"""Resolve licences stated at several layers: :func:`resolve_license_layers`.

An item can carry its own licence while its dataset, the dataset card and the repository
state others, and they often disagree (README vs LICENSE file vs hub metadata). The most
restrictive licence governs; the disagreement is reported with both sources. A layer that
states nothing is skipped (it is not a conflict); if no layer states anything the result is
``unknown``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import combinations

from clearance.enrich.licenses.normalize import normalize_license
from clearance.enrich.licenses.vocabulary import Vocabulary, default_vocabulary
from clearance.models import LicenseConflict

__all__ = ["LAYERS", "resolve_license_layers", "restrictiveness_of"]

#: Known layers, most specific first; ties in restrictiveness go to the more specific layer.
LAYERS: tuple[str, ...] = ("item", "dataset", "card", "repository")


def restrictiveness_of(license_id: str, vocab: Vocabulary | None = None) -> int:
    """Return 0..100 for an id or expression (AND: the maximum, OR: the minimum)."""
    vocab = vocab if vocab is not None else default_vocabulary()
    if vocab.get(license_id) is not None or " " not in license_id:
        return vocab.score(license_id)
    from clearance.enrich.licenses.permissions import expression_scores

    return expression_scores(license_id, vocab)


def _order(layer: str) -> int:
    return LAYERS.index(layer) if layer in LAYERS else len(LAYERS)


def resolve_license_layers(
    layers: Mapping[str, str | None] | Iterable[tuple[str, str | None]],
    *,
    normalized: bool = False,
    vocabulary: Vocabulary | None = None,
) -> LicenseConflict:
    """Return the governing licence of several layers and any conflict between them.

    ``layers`` maps a layer name (``item``, ``dataset``, ``card``, ``repository`` or any
    other) to its raw licence evidence; pass ``normalized=True`` when the values are already
    canonical ids. Empty layers are ignored.
    """
    vocab = vocabulary if vocabulary is not None else default_vocabulary()
    pairs = list(layers.items()) if isinstance(layers, Mapping) else list(layers)
    stated: list[tuple[str, str]] = []
    for layer, value in pairs:
        if value is None or not str(value).strip():
            continue
        lid = str(value) if normalized else normalize_license(str(value), vocabulary=vocab).id
        stated.append((layer, lid))
    if not stated:
        return LicenseConflict("unknown", "none", (), reason="no layer states a licence")
    scored = sorted(stated, key=lambda p: (-restrictiveness_of(p[1], vocab), _order(p[0])))
    winner_layer, winner_id = scored[0]
    conflicting = tuple(
        (a_layer, a_id, b_layer, b_id)
        for (a_layer, a_id), (b_layer, b_id) in combinations(stated, 2)
        if a_id != b_id
    )
    if conflicting:
        losers = ", ".join(f"{layer} {lid}" for layer, lid in stated if lid != winner_id)
        reason = (
            f"{winner_layer} licence {winner_id} is the most restrictive and governs; "
            f"it disagrees with {losers}"
        )
    else:
        reason = f"all stated layers agree on {winner_id}"
    return LicenseConflict(
        winner_id, winner_layer, tuple(stated), conflicting, bool(conflicting), reason
    )
