# SPDX-License-Identifier: Apache-2.0
"""Deprecated alias of :mod:`clearance.signals.robots.paths` (the module moved into the package).

Kept so that code written against the old module name still imports; new code imports from
:mod:`clearance.signals.robots.paths`.
"""

from clearance.signals.robots.paths import *  # noqa: F403
from clearance.signals.robots.paths import __all__ as __all__
