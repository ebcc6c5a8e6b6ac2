# SPDX-License-Identifier: Apache-2.0
"""Ingest: one reader per manifest format, canonicalised to the schema in schema.py."""
