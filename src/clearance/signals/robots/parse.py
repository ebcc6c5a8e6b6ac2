# SPDX-License-Identifier: Apache-2.0
"""Line-level parsing of robots.txt into groups and records (RFC 9309 §2.2).

The parser never raises: every line is tried, the parseable ones are used, and whatever was
read leniently (a misspelt key, a missing colon, a user-agent value that is not a product
token, a rule outside any group, bytes that are not UTF-8, a file over the size limit) is kept
as a :class:`ParseNote` so that findings can say so and lower their confidence.

Grouping follows RFC 9309: a group is one or more ``user-agent`` lines followed by rules; it
ends at the next ``user-agent`` line that follows a rule (empty lines and other records such as
``Sitemap`` never end a group). ``Content-Usage`` (IETF aipref attach draft, which extends
the RFC's ``rule``) and ``Content-Signal`` (Cloudflare) belong to the group they appear in;
only the former counts as a rule when groups are formed, since Content-Signal has no
published grammar and RFC 9309 §2.2.4 forbids other records from changing the grouping.
``License`` (RSL) and ``Sitemap`` are file-level records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = [
    "CAP_CODES",
    "GOOGLE_MAX_LINE",
    "MAX_AGENTS_PER_GROUP",
    "MAX_BYTES",
    "MAX_RULES",
    "MAX_STATEMENTS",
    "Comment",
    "ParseNote",
    "ParsedFile",
    "RawGroup",
    "RawRecord",
    "parse_lines",
    "product_token",
]

MAX_BYTES = 500 * 1024  # RFC 9309 §2.5: the parsing limit MUST be at least 500 KiB
GOOGLE_MAX_LINE = 8 * 2083  # google/robotstxt cuts lines after this many bytes
# Caps that keep a hostile file cheap whatever max_bytes a caller chooses. The largest real
# files seen (protego's corpus of 4,231 sites) have 1,100 user-agent lines in one group and
# 19,126 rules; a file past a cap says so (CAP_CODES notes, lower confidence).
MAX_AGENTS_PER_GROUP = 5_000  # user-agent lines kept per group (further tokens still join it)
# allow, disallow, content-usage and content-signal lines of the file: 500 KiB hold at most
# about 64,000 ("Allow:/" lines), so this only binds callers that raise max_bytes
MAX_RULES = 100_000
# Content-Usage and Content-Signal lines of the file: each is reported per token of its group
# (real files hold a handful; Cloudflare's managed file one per group)
MAX_STATEMENTS = 256
CAP_CODES = frozenset({"agents-capped", "rules-capped", "statements-capped"})

_BOM = b"\xef\xbb\xbf"
_WS = " \t\v\f"  # RFC 9309 white space is SP and HTAB; VT and FF are read as such too
_LINE_SPLIT = re.compile(r"\r\n|\r|\n")
_TOKEN = re.compile(r"[A-Za-z_-]+")
_TOKEN_DIGITS = re.compile(r"[A-Za-z0-9_-]+")

# canonical key -> spellings accepted as exact matches (RFC 9309 keys are case-insensitive)
_KEYS = {
    "user-agent": "user-agent",
    "allow": "allow",
    "disallow": "disallow",
    "sitemap": "sitemap",
    "content-usage": "content-usage",
    "content-signal": "content-signal",
    "license": "license",
}
# misspellings google/robotstxt accepts (robots.cc, kAllowFrequentTypos); flagged when used
_TYPOS = {
    "useragent": "user-agent",
    "user agent": "user-agent",
    "dissallow": "disallow",
    "dissalow": "disallow",
    "disalow": "disallow",
    "diasllow": "disallow",
    "disallaw": "disallow",
    "site-map": "sitemap",
}
_KNOWN = frozenset(_KEYS.values())
_GROUP_RULES = frozenset({"allow", "disallow", "content-usage", "content-signal"})


@dataclass(frozen=True, slots=True)
class ParseNote:
    """A leniency applied or a problem met while parsing, with the line it concerns."""

    line: int  # 1-based; 0 for the file as a whole
    code: str  # e.g. "key-typo", "missing-colon", "ua-nonstandard", "truncated", "html"
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.code}: {self.message}"


class Comment(NamedTuple):
    """One ``#`` comment: the text after ``#`` and whether the line held nothing else."""

    line: int
    text: str
    whole_line: bool


class RawRecord(NamedTuple):
    """One ``key: value`` line as read (key canonicalised, value stripped)."""

    line: int
    key: str
    value: str
    raw: str  # the line as written, comment removed
    lenient: bool = False  # True when a leniency was needed to read it


@dataclass(slots=True)
class RawGroup:
    """One group as written: its product tokens (lower-cased) and its rule records in order."""

    agents: list[str] = field(default_factory=list)
    agent_lines: list[RawRecord] = field(default_factory=list)
    rules: list[RawRecord] = field(default_factory=list)


@dataclass(slots=True)
class ParsedFile:
    """Everything read from one robots.txt body."""

    groups: list[RawGroup] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    sitemaps: list[RawRecord] = field(default_factory=list)
    licenses: list[RawRecord] = field(default_factory=list)
    other: list[RawRecord] = field(default_factory=list)  # crawl-delay, host, clean-param, ...
    notes: list[ParseNote] = field(default_factory=list)
    lenient_lines: set[int] = field(default_factory=set)
    bytes_read: int = 0
    truncated: bool = False
    lines: int = 0


def skip_bom(body: bytes) -> tuple[bytes, bool]:
    """Return ``body`` without a leading UTF-8 byte-order mark, and whether the mark was partial
    (one or two of its three bytes: seen in the wild; google/robotstxt skips it too)."""
    if body.startswith(_BOM):
        return body[len(_BOM) :], False
    if body[:2] == _BOM[:2]:
        return body[2:], True
    if body[:1] == _BOM[:1]:
        return body[1:], True
    return body, False


def _decode(body: bytes, parsed: ParsedFile, max_bytes: int) -> str:
    body, partial = skip_bom(body)
    if partial:
        parsed.notes.append(ParseNote(0, "partial-bom", "a truncated UTF-8 BOM was skipped"))
    if len(body) > max_bytes:
        body = body[:max_bytes]
        parsed.truncated = True
        parsed.notes.append(
            ParseNote(0, "truncated", f"content beyond {max_bytes} bytes was ignored")
        )
    parsed.bytes_read = len(body)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        parsed.notes.append(
            ParseNote(0, "invalid-utf8", "bytes that are not UTF-8 were kept as raw octets")
        )
        return body.decode("utf-8", "surrogateescape")


def _split_key_value(line: str) -> tuple[str, str, bool] | None:
    colon = line.find(":")
    if colon >= 0:
        return line[:colon].strip(_WS), line[colon + 1 :].strip(_WS), False
    # google/robotstxt: a line without a colon is read when it is exactly "key value"
    words = line.split()
    if len(words) == 2:
        return words[0], words[1], True
    if len(words) == 3 and " ".join(words[:2]).lower() in _TYPOS:
        return " ".join(words[:2]), words[2], True
    return None


def _canonical_key(key: str, google_compat: bool) -> tuple[str, bool]:
    lowered = key.lower()
    if lowered in _KEYS:
        return _KEYS[lowered], False
    if lowered in _TYPOS:
        return _TYPOS[lowered], True
    if google_compat:
        # google/robotstxt matches keys by prefix ("user-agentfoo" is a user-agent line)
        for spelling, canonical in (*_KEYS.items(), *_TYPOS.items()):
            if canonical in ("user-agent", "allow", "disallow", "sitemap") and lowered.startswith(
                spelling
            ):
                return canonical, True
    return lowered, False


def product_token(value: str, *, google_compat: bool = False) -> tuple[str | None, bool]:
    """Return the lower-cased product token a user-agent value names, and whether it was cut.

    ``*`` alone, or followed by white space, is the global group (as Google reads it).
    Otherwise the token is the leading run of ``A-Z a-z _ -`` as RFC 9309 defines it,
    extended with digits because real crawlers use them (``AI2Bot``, ``img2dataset``);
    ``Googlebot/2.1`` names ``googlebot``. Outside ``google_compat``, asterisks around a name
    (``*OrkashBot*``) are dropped and the name read, and ``*`` followed by anything else is
    the global group, both flagged; Google reads no token in either, and only letters (so
    ``img2dataset`` names ``img``). The flag is True when anything was cut
    off or had to be read leniently. None when nothing usable is there.
    """
    if value == "*" or (value[:1] == "*" and value[1:2].isspace()):
        return "*", value != "*"
    lenient = False
    if not google_compat and value[:1] == "*":
        if not _TOKEN_DIGITS.match(value.lstrip("*")):
            return "*", True  # "*/1.0", "*\x00": the global group, read leniently
        value, lenient = value.lstrip("*"), True
    found = (_TOKEN if google_compat else _TOKEN_DIGITS).match(value)
    if found is None:
        return None, True
    token = found.group(0)
    nonstandard = lenient or found.end() != len(value) or not _TOKEN.fullmatch(token)
    return token.lower(), nonstandard


def parse_lines(
    body: bytes,
    *,
    google_compat: bool = False,
    max_bytes: int = MAX_BYTES,
    max_agents: int = MAX_AGENTS_PER_GROUP,
    max_rules: int = MAX_RULES,
    max_statements: int = MAX_STATEMENTS,
) -> ParsedFile:
    """Return the groups, records, comments and notes read from a robots.txt body.

    Past ``max_agents`` user-agent lines in one group the further lines are not kept nor
    annotated, but their tokens still join the group (one ``agents-capped`` note per group
    says how many lines); past ``max_statements`` Content-Usage/Content-Signal
    lines the further ones are skipped (``statements-capped``); past ``max_rules`` rules the
    rest of the file is ignored as if cut at the size limit (``rules-capped``,
    ``truncated``). Work and memory stay linear in the bytes read.
    """
    parsed = ParsedFile()
    rules = statements = 0
    first_skipped = 0  # the first Content-Usage/Content-Signal line past max_statements
    dropped: dict[int, list[int]] = {}  # id of the group -> [first line dropped, count]
    text = _decode(body, parsed, max_bytes)
    head = text[:1024].lstrip().lower()
    if head.startswith(("<!doctype", "<html", "<?xml", "<head", "<body")) or "<html" in head:
        # a web server answering /robots.txt with a page: its lines are read, none will parse
        parsed.notes.append(ParseNote(0, "html", "the body looks like HTML, not robots.txt"))
    current: RawGroup | None = None
    last_was_rule = False
    record_since_agent = False  # a record that is not a rule since the last user-agent line
    lines = _LINE_SPLIT.split(text) if "\r" in text else text.split("\n")
    parsed.lines = len(lines)
    for number, line in enumerate(lines, start=1):
        if google_compat and len(line.encode("utf-8", "surrogateescape")) > GOOGLE_MAX_LINE:
            line = line.encode("utf-8", "surrogateescape")[:GOOGLE_MAX_LINE].decode(
                "utf-8", "surrogateescape"
            )
            parsed.notes.append(ParseNote(number, "line-cut", "line cut at 16,664 bytes"))
        hash_at = line.find("#")
        if hash_at >= 0:
            comment = line[hash_at + 1 :].strip()
            content = line[:hash_at]
            parsed.comments.append(Comment(number, comment, not content.strip()))
            line = content
        stripped = line.strip(_WS)
        if not stripped:
            continue
        colon = stripped.find(":")
        known = _KEYS.get(stripped[:colon].rstrip(_WS).lower()) if colon > 0 else None
        if known is not None:  # the common case: a well-formed line with a known key
            key, value, lenient = known, stripped[colon + 1 :].strip(_WS), False
        else:
            split = _split_key_value(stripped)
            if split is None:
                parsed.notes.append(ParseNote(number, "unparsed", "not a key: value line"))
                continue
            key_text, value, missing_colon = split
            key, typo = _canonical_key(key_text, google_compat)
            if missing_colon and key not in _KNOWN:
                parsed.notes.append(ParseNote(number, "unparsed", "not a key: value line"))
                continue
            lenient = missing_colon or typo
            if missing_colon:
                parsed.notes.append(ParseNote(number, "missing-colon", f"read as {key}: {value}"))
            if typo:
                parsed.notes.append(ParseNote(number, "key-typo", f"{key_text!r} read as {key!r}"))
        record = RawRecord(number, key, value, stripped, lenient)
        if key == "user-agent":
            # RFC 9309 §2.2.4: another record must not end the group, so this line joins the
            # one above; google/robotstxt starts a new group after any record
            joins = current is not None and not last_was_rule and record_since_agent
            if joins and google_compat:
                last_was_rule = True
            record_since_agent = False
            if current is None or last_was_rule:
                current = RawGroup()
                parsed.groups.append(current)
                last_was_rule = False
            token, cut = product_token(value, google_compat=google_compat)
            if len(current.agent_lines) >= max_agents:
                # past the cap the token still joins the group (dropping it would turn the
                # site's rules into a permission for it); the line itself is not kept
                seen = dropped.setdefault(id(current), [number, 0])
                seen[1] += 1
                if token is not None:
                    current.agents.append(token)
                continue
            if joins and not google_compat:
                parsed.notes.append(
                    ParseNote(
                        number,
                        "ua-after-record",
                        "joins the group above (RFC 9309 §2.2.4); Google starts a new one",
                    )
                )
                lenient = True
            if token is None:
                parsed.notes.append(
                    ParseNote(number, "ua-invalid", f"{value!r} is not a product token")
                )
                lenient = True
            elif cut:
                parsed.notes.append(
                    ParseNote(number, "ua-nonstandard", f"{value!r} read as token {token!r}")
                )
                lenient = True
            current.agent_lines.append(record)
            if token is not None:
                current.agents.append(token)
        elif key in _GROUP_RULES:
            if current is None:
                parsed.notes.append(
                    ParseNote(number, "rule-outside-group", "rule before any user-agent line")
                )
                continue
            if rules >= max_rules:
                parsed.truncated = True
                parsed.notes.append(
                    ParseNote(
                        number,
                        "rules-capped",
                        f"more than {max_rules:,} rules: this line and the rest of the file "
                        "were ignored, as if cut at the size limit",
                    )
                )
                break
            rules += 1
            if key in ("content-usage", "content-signal"):
                statements += 1
                if statements > max_statements:
                    first_skipped = first_skipped or number
                    continue
            current.rules.append(record)
            # Content-Signal has no published grammar: like other records (RFC 9309 §2.2.4) it
            # must not change how groups are formed. Content-Usage extends the RFC's rule.
            last_was_rule = last_was_rule or key != "content-signal"
            record_since_agent = record_since_agent or key == "content-signal"
        elif key == "sitemap":
            parsed.sitemaps.append(record)
            record_since_agent = True
        elif key == "license":
            parsed.licenses.append(record)
            record_since_agent = True
        else:
            parsed.other.append(record)
            record_since_agent = True
        if lenient:
            parsed.lenient_lines.add(number)
    if first_skipped:
        parsed.notes.append(
            ParseNote(
                first_skipped,
                "statements-capped",
                f"{statements - max_statements:,} Content-Usage/Content-Signal line(s) from "
                "here on were not "
                f"read: a file holds at most {max_statements:,}",
            )
        )
    for first, count in dropped.values():
        parsed.notes.append(
            ParseNote(
                first,
                "agents-capped",
                f"{count:,} more user-agent line(s) in this group from here on: their "
                f"agents obey the group, but past {max_agents:,} lines are not kept or checked",
            )
        )
    return parsed
