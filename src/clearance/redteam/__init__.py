# SPDX-License-Identifier: Apache-2.0
"""The IP red team: do a model's outputs regurgitate protected text, code or images, and whose?

``text`` indexes text and code corpora and checks model outputs for verbatim and near-verbatim
spans; ``images`` indexes images and checks generated images for near-duplicates. Findings carry
the source's licence and feed the scan's ``memorization`` fact and the report.
"""
