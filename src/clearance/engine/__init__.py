# SPDX-License-Identifier: Apache-2.0
"""Where the flow runs: the engine is the only place that strings the steps together."""
