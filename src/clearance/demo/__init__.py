# SPDX-License-Identifier: Apache-2.0
"""The bundled demo: a realistic scraped-image manifest and its offline signal snapshot."""
