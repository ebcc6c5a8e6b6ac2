# SPDX-License-Identifier: Apache-2.0
"""A strict parser for RFC 9651 Structured Field Dictionaries (the aipref serialisation).

Only parsing is implemented, exactly as RFC 9651 §4.2 describes it, because the aipref
vocabulary draft makes every parse failure mean "all preferences unknown": a lenient parser
would invent preferences. Values come back as Python types: ``int``, ``float`` (Decimal),
``str`` (String), :class:`Token`, ``bytes`` (Byte Sequence), ``bool``, :class:`SFDate`,
:class:`DisplayString` and :class:`InnerList`.
"""

from __future__ import annotations

import base64
import binascii
import string

__all__ = ["DisplayString", "InnerList", "SFDate", "SFError", "Token", "parse_dictionary"]


class SFError(ValueError):
    """Raised when bytes are not a valid Structured Field (internal; callers catch it)."""


class Token(str):
    """An sf-token, kept distinct from an sf-string."""

    __slots__ = ()


class DisplayString(str):
    """An sf-displaystring (RFC 9651 §3.3.8)."""

    __slots__ = ()


class SFDate(int):
    """An sf-date: seconds since the epoch (RFC 9651 §3.3.7)."""

    __slots__ = ()


BareItem = int | float | str | bytes | bool
Parameters = dict[str, BareItem]


class InnerList(list[tuple[BareItem, Parameters]]):
    """An inner list of (item, parameters) pairs."""


Member = tuple[BareItem | InnerList, Parameters]

_LCALPHA = frozenset(string.ascii_lowercase)
_DIGITS = frozenset(string.digits)
_ALPHA = frozenset(string.ascii_letters)
_KEY_CHARS = _LCALPHA | _DIGITS | frozenset("_-.*")
_TCHAR = _ALPHA | _DIGITS | frozenset("!#$%&'*+-.^_`|~")
_TOKEN_CHARS = _TCHAR | frozenset(":/")
_B64 = frozenset(string.ascii_letters + string.digits + "+/=")
_LCHEX = frozenset("0123456789abcdef")


class _Reader:
    __slots__ = ("pos", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def take(self) -> str:
        if self.pos >= len(self.text):
            raise SFError("unexpected end of input")
        ch = self.text[self.pos]
        self.pos += 1
        return ch

    def skip(self, chars: str) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in chars:
            self.pos += 1

    def done(self) -> bool:
        return self.pos >= len(self.text)


def _key(r: _Reader) -> str:
    first = r.peek()
    if not first or (first not in _LCALPHA and first != "*"):
        raise SFError(f"key cannot start with {first!r}")
    start = r.pos
    while r.peek() and r.peek() in _KEY_CHARS:
        r.pos += 1
    return r.text[start : r.pos]


def _number(r: _Reader) -> int | float:
    sign = 1
    if r.peek() == "-":
        r.pos += 1
        sign = -1
    if not r.peek() or r.peek() not in _DIGITS:
        raise SFError("number without digits")
    start = r.pos
    is_decimal = False
    while r.peek():
        ch = r.peek()
        if ch in _DIGITS:
            r.pos += 1
        elif ch == "." and not is_decimal:
            if r.pos - start > 12:
                raise SFError("decimal integer part too long")
            is_decimal = True
            r.pos += 1
        else:
            break
        if not is_decimal and r.pos - start > 15:
            raise SFError("integer too long")
        if is_decimal and r.pos - start > 16:
            raise SFError("decimal too long")
    digits = r.text[start : r.pos]
    if not is_decimal:
        return sign * int(digits)
    if digits.endswith("."):
        raise SFError("decimal without fraction")
    if len(digits.split(".")[1]) > 3:
        raise SFError("decimal fraction too long")
    return sign * float(digits)


def _string(r: _Reader) -> str:
    r.take()  # opening quote
    out: list[str] = []
    while True:
        ch = r.take()
        if ch == "\\":
            nxt = r.take()
            if nxt not in '"\\':
                raise SFError("bad escape in string")
            out.append(nxt)
        elif ch == '"':
            return "".join(out)
        elif not (" " <= ch <= "~"):
            raise SFError("invalid character in string")
        else:
            out.append(ch)


def _token(r: _Reader) -> Token:
    first = r.peek()
    if not first or (first not in _ALPHA and first != "*"):
        raise SFError("bad token start")
    start = r.pos
    while r.peek() and r.peek() in _TOKEN_CHARS:
        r.pos += 1
    return Token(r.text[start : r.pos])


def _bytes(r: _Reader) -> bytes:
    r.take()
    start = r.pos
    while r.peek() and r.peek() != ":":
        if r.peek() not in _B64:
            raise SFError("invalid byte sequence character")
        r.pos += 1
    encoded = r.text[start : r.pos]
    r.take()  # closing colon (raises at end of input)
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SFError("invalid base64") from exc


def _display_string(r: _Reader) -> DisplayString:
    r.take()
    if r.take() != '"':
        raise SFError('display string must start with %"')
    out = bytearray()
    while True:
        ch = r.take()
        if ch == "%":
            hi, lo = r.take(), r.take()
            if hi not in _LCHEX or lo not in _LCHEX:
                raise SFError("bad percent escape in display string")
            out.append(int(hi + lo, 16))
        elif ch == '"':
            try:
                return DisplayString(out.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise SFError("display string is not UTF-8") from exc
        elif " " <= ch <= "~":
            out.extend(ch.encode("ascii"))
        else:
            raise SFError("invalid character in display string")


def _bare_item(r: _Reader) -> BareItem:
    ch = r.peek()
    if ch == "-" or (ch and ch in _DIGITS):
        return _number(r)
    if ch == '"':
        return _string(r)
    if ch == "*" or (ch and ch in _ALPHA):
        return _token(r)
    if ch == ":":
        return _bytes(r)
    if ch == "?":
        r.take()
        flag = r.take()
        if flag not in "01":
            raise SFError("bad boolean")
        return flag == "1"
    if ch == "@":
        r.take()
        value = _number(r)
        if isinstance(value, float):
            raise SFError("date must be an integer")
        return SFDate(value)
    if ch == "%":
        return _display_string(r)
    raise SFError(f"unexpected {ch!r}")


def _parameters(r: _Reader) -> Parameters:
    params: Parameters = {}
    while r.peek() == ";":
        r.take()
        r.skip(" ")
        key = _key(r)
        value: BareItem = True
        if r.peek() == "=":
            r.take()
            value = _bare_item(r)
        params[key] = value
    return params


def _item_or_inner_list(r: _Reader) -> Member:
    if r.peek() != "(":
        item = _bare_item(r)
        return item, _parameters(r)
    r.take()
    inner = InnerList()
    while True:
        r.skip(" ")
        if r.peek() == ")":
            r.take()
            return inner, _parameters(r)
        item = _bare_item(r)
        inner.append((item, _parameters(r)))
        if r.peek() not in (" ", ")"):
            raise SFError("inner list items must be separated by spaces")


def parse_dictionary(data: bytes | str) -> dict[str, Member]:
    """Return the members of a Structured Field Dictionary; raise :class:`SFError` if invalid.

    Keys are case-sensitive; a repeated key keeps the last value (RFC 9651 §4.2.2).
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError as exc:
            raise SFError("field value is not ASCII") from exc
    else:
        text = data
        if not text.isascii():
            raise SFError("field value is not ASCII")
    r = _Reader(text)
    r.skip(" ")
    members: dict[str, Member] = {}
    while not r.done():
        key = _key(r)
        if r.peek() == "=":
            r.take()
            members[key] = _item_or_inner_list(r)
        else:
            members[key] = (True, _parameters(r))
        r.skip(" \t")
        if r.done():
            break
        if r.take() != ",":
            raise SFError("members must be separated by commas")
        r.skip(" \t")
        if r.done():
            raise SFError("trailing comma")
    return members
