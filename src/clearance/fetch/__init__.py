# SPDX-License-Identifier: Apache-2.0
"""Bring the network in safely: polite fetcher, SSRF guard, WARC evidence, offline snapshots.

``fetch_host_documents`` fetches host-level documents into an evidence directory (WARC +
hash-chained ledger + SQLite index); ``Snapshot`` reads captures back from any WARC files
(ours, the demo's, Common Crawl's robots.txt WARCs) as of a date; ``verify_evidence`` checks
that nothing in an evidence directory was edited, deleted, inserted or reordered.
"""

from __future__ import annotations

from clearance.fetch.guard import AddressGuard, address_class
from clearance.fetch.resolver import StaticResolver, SystemResolver
from clearance.fetch.run import fetch_host_documents
from clearance.fetch.snapshot import Snapshot
from clearance.fetch.verify import VerifyReport, verify_evidence

__all__ = [
    "AddressGuard",
    "Snapshot",
    "StaticResolver",
    "SystemResolver",
    "VerifyReport",
    "address_class",
    "fetch_host_documents",
    "verify_evidence",
]
