# SPDX-License-Identifier: Apache-2.0
"""Opt-out and permission signals: one module per standard; parsers take bytes, never fetch."""
