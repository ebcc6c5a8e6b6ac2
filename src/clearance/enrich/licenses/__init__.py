# SPDX-License-Identifier: Apache-2.0
"""Licences: normalise licence evidence to canonical ids and judge AI-training permissions.

- :func:`normalize_license` - any string (id, expression, name, URL, text, HTML, XMP, HF card)
  to a :class:`~clearance.models.LicenseMatch`.
- :func:`license_permits` - what an id permits for one use (``USES``).
- :func:`resolve_license_layers` - item / dataset / card / repository: most restrictive wins.
- :func:`license_columns` - the columnar version for scans, once per distinct value.
- :func:`load_vocabulary` - the YAML vocabulary in ``data/licenses/``.
"""

from __future__ import annotations

from clearance.enrich.licenses.columns import LICENSE_COLUMNS, add_license_columns, license_columns
from clearance.enrich.licenses.conflicts import LAYERS, resolve_license_layers
from clearance.enrich.licenses.explain import explain_license
from clearance.enrich.licenses.normalize import normalize_license
from clearance.enrich.licenses.permissions import license_permits
from clearance.enrich.licenses.schema import CONDITIONS, STATES, USES
from clearance.enrich.licenses.vocabulary import default_vocabulary, load_vocabulary

__all__ = [
    "CONDITIONS",
    "LAYERS",
    "LICENSE_COLUMNS",
    "STATES",
    "USES",
    "add_license_columns",
    "default_vocabulary",
    "explain_license",
    "license_columns",
    "license_permits",
    "load_vocabulary",
    "normalize_license",
    "resolve_license_layers",
]
