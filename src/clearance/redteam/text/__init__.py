# SPDX-License-Identifier: Apache-2.0
"""Text and code: index a reference corpus, check model outputs for copied spans."""
