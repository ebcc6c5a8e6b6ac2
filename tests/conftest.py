# SPDX-License-Identifier: Apache-2.0
"""Hypothesis profiles: ``ci`` (the default, a time budget CI can afford) and ``long``.

Select with ``CLEARANCE_HYPOTHESIS_PROFILE=long`` or ``pytest --hypothesis-profile=long``.
``ci`` sets no per-example deadline (the CI machine is shared; speed is measured in
``benchmarks/``, not asserted in tests). ``long`` runs 20 times the examples of every fuzz
harness that takes its budget from :func:`tests.fuzzing.budget`, with a 2 s deadline per
example (the bound docs/security.md states for robots.txt files within 500 KiB); run it on a
quiet machine.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=timedelta(seconds=2),
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("CLEARANCE_HYPOTHESIS_PROFILE", "ci"))
