# SPDX-License-Identifier: Apache-2.0
"""Text and code: index a reference corpus, check model outputs for copied spans.

- :func:`build_index`: fingerprint a corpus into an index directory (``clearance.redteam.api``
  has one call per command: ``index_corpora``, ``check_file``, ``probe_model``, ...).
- :class:`TextIndex`: an opened index; :meth:`TextIndex.check` returns :class:`Match` spans.
- :func:`check_outputs`: check a JSON Lines / Parquet file of outputs.
- :func:`resolve_threshold`: the presets of ``data/redteam/thresholds.yaml`` and custom ones.
"""

from __future__ import annotations

from clearance.redteam.text.build import BuildStats, IndexSettings, build_index
from clearance.redteam.text.check import check_outputs, read_outputs
from clearance.redteam.text.corpus import Source, iter_corpus
from clearance.redteam.text.index import Match, TextIndex
from clearance.redteam.text.match import MatchParams
from clearance.redteam.text.thresholds import Threshold, load_presets, resolve_threshold

__all__ = [
    "BuildStats",
    "IndexSettings",
    "Match",
    "MatchParams",
    "Source",
    "TextIndex",
    "Threshold",
    "build_index",
    "check_outputs",
    "iter_corpus",
    "load_presets",
    "read_outputs",
    "resolve_threshold",
]
