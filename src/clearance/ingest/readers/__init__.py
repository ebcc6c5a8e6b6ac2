# SPDX-License-Identifier: Apache-2.0
"""Readers: each turns one manifest format into raw chunks (see base.py)."""
