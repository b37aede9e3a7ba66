"""Shared by the stages: reading a file whole, safely, and printing a file name on one line.

A file read whole (an article, a sidecar, an expansions file, the index's own small files) must be a
regular file: a device (`/dev/zero`) never ends and a FIFO blocks until someone writes to it. Each
read is capped by its caller. A file name is bytes on POSIX: one that is not UTF-8, or holds a
newline, is printed escaped (`bad\\xffname.txt`, `new\\nline.txt`) and `unescape_name` reads it back.
"""

import errno
import functools
import os
import re
import stat

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_SHORT_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\"}
_UNESCAPED = {"n": b"\n", "t": b"\t", "r": b"\r", "\\": b"\\"}


def _unprintable(char: str) -> bool:
    """What cannot be printed on one line as it is: a control character, a line or paragraph separator, or a lone
    surrogate, which a name that is not UTF-8 decodes to (os.fsdecode's "surrogateescape"). (Not a regular
    expression: one over these ranges takes over a millisecond to compile, on every start.)"""
    code = ord(char)
    return code < 0x20 or 0x7F <= code < 0xA0 or code in (0x2028, 0x2029) or 0xD800 <= code <= 0xDFFF


def open_regular_file(path: str) -> int:
    """A file descriptor of `path` for reading (the caller closes it); OSError when it cannot be opened or is not a
    regular file. A device, FIFO or folder is refused before a byte is read: opened without blocking, then checked."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a device, FIFO or folder)", path)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular_file(path: str, limit: int) -> bytes:
    """At most `limit + 1` bytes of a regular file (the caller decides what more than `limit` means)."""
    return read_with_stat(path, limit)[0]


def read_with_stat(path: str, limit: int) -> tuple[bytes, os.stat_result]:
    """`read_regular_file`, and the file's size and times as it was read (not as an earlier look found it)."""
    fd = open_regular_file(path)
    with open(fd, "rb") as handle:
        found = os.fstat(fd)
        return handle.read(limit + 1), found


def printable_name(name: str) -> str:
    """`name` as one printable line: unchanged unless it holds a control character or bytes that are not UTF-8,
    which are escaped as Python writes them (`\\n`, `\\xff`), or a backslash that would read back as the start of
    one (a name `\\r`, two characters): a backslash is then doubled, so that every name reads back exactly."""
    if ("\\" not in name or not _escapes().search(name)) and (
            (name.isascii() and name.isprintable()) or not any(map(_unprintable, name))):
        return name
    return "".join(_escaped(char) for char in name)


def _escaped(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    if not _unprintable(char):
        return char
    try:  # a name's undecodable byte (\udcff is the byte 0xff); a control character is its UTF-8 bytes
        raw = char.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate of another kind (not from a file name)
        return char.encode("unicode-escape").decode("ascii")
    return "".join(f"\\x{byte:02x}" for byte in raw)


@functools.cache
def _escapes() -> re.Pattern[str]:
    return re.compile(r"\\(?:x([0-9a-fA-F]{2})|([ntr\\]))")  # (compiled when a name is read back: off the cold path)


def unescape_name(text: str) -> str:
    """The file name `printable_name` printed as `text` (`text` itself when it holds no escape)."""
    if "\\" not in text:
        return text
    raw = bytearray()
    last = 0
    try:
        for match in _escapes().finditer(text):
            raw += text[last:match.start()].encode("utf-8", "surrogateescape")
            raw += bytes([int(match.group(1), 16)]) if match.group(1) else _UNESCAPED[match.group(2)]
            last = match.end()
        raw += text[last:].encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # (not a name printed by printable_name)
        return text
    return raw.decode("utf-8", "surrogateescape")
