# SPDX-License-Identifier: Apache-2.0
"""Allow ``python -m clearance``."""

from clearance.cli import main

main()
