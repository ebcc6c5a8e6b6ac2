# SPDX-License-Identifier: Apache-2.0
"""Rendering shared by every document clearance writes: the level palette, PDF fonts and styles.

Reports, disclosures, drafted agreements and authorship memos all use it, so it sits below
them: it imports nothing of clearance but the bundled fonts.
"""
