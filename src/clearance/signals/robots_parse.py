# SPDX-License-Identifier: Apache-2.0
"""Deprecated alias of :mod:`clearance.signals.robots.parse` (the module moved into the package).

Kept so that code written against the old module name still imports; new code imports from
:mod:`clearance.signals.robots.parse`.
"""

from clearance.signals.robots.parse import *  # noqa: F403
from clearance.signals.robots.parse import __all__ as __all__
