# SPDX-License-Identifier: Apache-2.0
"""Enrichment: hosts (bundled Public Suffix List), source categories, licences."""
