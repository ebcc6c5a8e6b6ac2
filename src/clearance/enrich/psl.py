# SPDX-License-Identifier: Apache-2.0
"""The Public Suffix List, bundled with clearance and never downloaded at run time.

``PublicSuffixList.split(host)`` returns the public suffix and the registrable domain
(eTLD+1) of an ASCII host, following the algorithm at https://publicsuffix.org/list/:
the longest matching rule prevails, exception rules beat wildcards, and an unlisted TLD
is its own public suffix (the implicit ``*`` rule). Both the ICANN and the private section
are used, so ``alice.github.io`` is its own registrable domain.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import idna

__all__ = ["PublicSuffixList", "default_psl"]

_VERSION_RE = re.compile(r"^// VERSION: (\S+)", re.MULTILINE)
_COMMIT_RE = re.compile(r"^// COMMIT: (\S+)", re.MULTILINE)


def _to_ascii(rule: str) -> str:
    if rule.isascii():
        return rule.lower()
    return ".".join(
        label if label in ("*",) or label.isascii() else idna.encode(label, uts46=True).decode()
        for label in rule.split(".")
    )


class PublicSuffixList:
    """A parsed Public Suffix List; rules are kept in ASCII (A-label) form."""

    __slots__ = ("_exceptions", "_rules", "_wildcards", "commit", "version")

    def __init__(self, text: str) -> None:
        self._rules: set[str] = set()
        self._wildcards: set[str] = set()
        self._exceptions: set[str] = set()
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("//"):
                continue
            rule = line.split()[0]
            if rule.startswith("!"):
                self._exceptions.add(_to_ascii(rule[1:]))
            elif rule.startswith("*."):
                self._wildcards.add(_to_ascii(rule[2:]))
            else:
                self._rules.add(_to_ascii(rule))
        version = _VERSION_RE.search(text)
        commit = _COMMIT_RE.search(text)
        self.version = version.group(1) if version else "unknown"
        self.commit = commit.group(1) if commit else None

    def __len__(self) -> int:
        return len(self._rules) + len(self._wildcards) + len(self._exceptions)

    def suffix_length(self, labels: list[str]) -> int:
        """Return how many trailing labels of ``labels`` form the public suffix."""
        n = len(labels)
        for i in range(n):
            name = ".".join(labels[i:])
            if name in self._exceptions:
                return n - i - 1
            if name in self._rules:
                return n - i
            if i + 1 < n and ".".join(labels[i + 1 :]) in self._wildcards:
                return n - i
        return 1

    def split(self, host: str) -> tuple[str | None, str | None]:
        """Return (public suffix, registrable domain) of a lower-case ASCII host.

        The registrable domain is None when the host is itself a public suffix; both are
        None for an empty host or one with empty labels.
        """
        labels = host.split(".")
        if not host or any(not label for label in labels):
            return None, None
        k = self.suffix_length(labels)
        suffix = ".".join(labels[-k:])
        if len(labels) <= k:
            return suffix, None
        return suffix, ".".join(labels[-k - 1 :])


@cache
def default_psl() -> PublicSuffixList:
    """Return the bundled list, parsed once per process."""
    text = (
        resources.files("clearance")
        .joinpath("data/psl/public_suffix_list.dat")
        .read_text(encoding="utf-8")
    )
    return PublicSuffixList(text)
