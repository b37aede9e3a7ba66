"""Stage 4 (index), the on-disk format: `.npy` arrays and one `meta.json`, in atomically swapped generations.

Layout of an index folder (one per corpus):

    CURRENT            name of the live generation (replaced atomically)
    lock               flock()ed by the one process allowed to write
    gen-<id>/meta.json format version, corpus fingerprint, sizes and CRC-32 of every array
    gen-<id>/*.npy     little-endian NumPy arrays, read through mmap without importing NumPy

Readers open CURRENT, then the generation it names; a writer builds a new generation in a
temporary folder, fsyncs it, renames it into place and only then replaces CURRENT. A reader
therefore sees the old index or the new one, never a mix, and a writer killed at any moment
leaves the previous index untouched. Nothing here unpickles: a header is accepted only in the one
shape `npy_bytes` writes (checked by plain string comparison, never evaluated) and data is only
ever viewed as numbers.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import sys
import uuid
import zlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

from askiraq.errors import CorruptIndex, OutdatedIndex
from askiraq.files import open_regular_file, read_regular_file
from askiraq.memo import Memo

FORMAT_VERSION = 3  # 3: each article's CRC-32 (askiraq 0.2.0 wrote 2)
VECTORS_FORMAT = 2  # of the passage vectors (semantic mode): signed bytes and a scale each; 1 (no "format"): float16
FORMAT_NAME = "askiraq-index"
VERIFY_ALL_BELOW_BYTES = 64 * 1024 * 1024
ARRAYS_MEMO = 64  # more than a generation has arrays: each is mapped and viewed once

_NPY_MAGIC = b"\x93NUMPY"
_MEMORYVIEW_FORMAT: dict[tuple[str, int], Any] = {("u", 1): "B", ("u", 2): "H", ("u", 4): "I", ("u", 8): "Q",
                                                  ("i", 1): "b", ("i", 4): "i", ("i", 8): "q", ("f", 2): "e",
                                                  ("f", 4): "f", ("f", 8): "d"}


class ArrayLike(Protocol):
    """What the writer needs from a NumPy array (kept abstract so this module never imports NumPy)."""

    @property
    def dtype(self) -> Any: ...

    @property
    def shape(self) -> tuple[int, ...]: ...

    def tobytes(self) -> bytes: ...


def npy_bytes(array: ArrayLike) -> bytes:
    """A 1-D little-endian array in the `.npy` v1.0 format (what `numpy.save` writes)."""
    return _npy_header(array) + array.tobytes()


def _npy_header(array: ArrayLike) -> bytes:
    kind, size = array.dtype.kind, array.dtype.itemsize
    if sys.byteorder != "little" or (kind, size) not in _MEMORYVIEW_FORMAT or len(array.shape) != 1:
        raise ValueError(f"unsupported array for the index: {array.dtype} {array.shape}")
    header = f"{{'descr': '<{kind}{size}', 'fortran_order': False, 'shape': ({array.shape[0]},), }}"
    padded = header.encode("latin-1")
    padded += b" " * (63 - (len(padded) + 10) % 64) + b"\n"
    return _NPY_MAGIC + b"\x01\x00" + len(padded).to_bytes(2, "little") + padded


def _parse_header(name: str, header: bytes) -> tuple[str, int, int]:
    """Kind, item size and length from the one header shape `npy_bytes` writes (no eval, no regex)."""
    text = header.decode("latin-1").rstrip(" \n")
    prefix, middle, suffix = "{'descr': '<", "', 'fortran_order': False, 'shape': (", ",), }"
    if text.startswith(prefix) and text.endswith(suffix) and middle in text:
        dtype, _, count = text[len(prefix):-len(suffix)].partition(middle)
        if len(dtype) == 2 and (dtype[0], int(dtype[1]) if dtype[1].isdigit() else 0) in _MEMORYVIEW_FORMAT \
                and count.isdigit():
            return dtype[0], int(dtype[1]), int(count)
    raise CorruptIndex(f"{name}: unexpected .npy header")


def npy_view(name: str, buffer: Any) -> memoryview:
    """A typed, zero-copy view of the data in `.npy` bytes; CorruptIndex on any inconsistency."""
    raw = memoryview(buffer)
    if bytes(raw[:6]) != _NPY_MAGIC or bytes(raw[6:8]) != b"\x01\x00":
        raise CorruptIndex(f"{name}: not a version 1.0 .npy array")
    header_len = int.from_bytes(raw[8:10], "little")
    kind, size, count = _parse_header(name, bytes(raw[10:10 + header_len]))
    start = 10 + header_len
    if len(raw) != start + count * size:
        raise CorruptIndex(f"{name}: {len(raw) - start} data bytes for {count} items of {size}")
    if (kind, size) == ("f", 2):  # memoryview cannot cast to float16: its bytes, for NumPy to read
        return raw[start:]
    return raw[start:].cast(_MEMORYVIEW_FORMAT[(kind, size)])


def _fsync_write(path: str, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Generation:
    """One complete, immutable index: named `.npy` arrays plus the metadata that describes them."""

    def __init__(self, meta: dict[str, Any], buffers: Mapping[str, Any], label: str) -> None:
        self.meta = meta
        self.label = label
        self._buffers = buffers
        self.array = Memo(self._view, ARRAYS_MEMO)  # a typed view of one named array, mapped once

    def _view(self, name: str) -> memoryview:
        try:
            buffer = self._buffers[name]
        except (KeyError, OSError) as err:
            raise CorruptIndex(f"{self.label}: array {name} missing ({err})") from err
        return npy_view(name, buffer)

    def strings(self, name: str) -> StringTable:
        return StringTable(self.array(name + ".offsets"), self.array(name + ".blob"))


class StringTable:
    """A list of strings stored as one UTF-8 blob and n+1 offsets: random access without loading."""

    def __init__(self, offsets: memoryview, blob: memoryview) -> None:
        self._offsets = offsets
        self._blob = blob
        if len(offsets) == 0 or offsets[-1] > len(blob):
            raise CorruptIndex("string table offsets point past its data")

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: int) -> str:
        start, end = self._offsets[i], self._offsets[i + 1]
        if not 0 <= start <= end <= len(self._blob):
            raise CorruptIndex("string table offsets out of order")
        try:
            return bytes(self._blob[start:end]).decode("utf-8")
        except UnicodeDecodeError as err:
            raise CorruptIndex(f"string table holds invalid UTF-8: {err}") from err

    def lower_bound(self, key: str) -> int:
        """Position of the first string >= `key` in a table sorted by UTF-8 bytes (binary search)."""
        target = key.encode("utf-8")
        lo, hi = 0, len(self)
        while lo < hi:
            mid = (lo + hi) // 2
            value = bytes(self._blob[self._offsets[mid]:self._offsets[mid + 1]])
            if value < target:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def find(self, key: str) -> int:
        """Index of `key` in a table sorted by UTF-8 bytes, or -1 (binary search, O(log n) reads)."""
        at = self.lower_bound(key)
        target = key.encode("utf-8")
        if at < len(self) and bytes(self._blob[self._offsets[at]:self._offsets[at + 1]]) == target:
            return at
        return -1

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))


class _MappedFiles(Mapping[str, Any]):
    """Arrays of a generation folder, each memory-mapped on first use."""

    def __init__(self, folder: str, names: list[str]) -> None:
        self._folder = folder
        self._names = names
        self._maps: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._maps:
            fd = open_regular_file(os.path.join(self._folder, f"{name}.npy"))
            try:
                self._maps[name] = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
            except ValueError as err:  # an empty file: a .npy array has a header at least
                raise CorruptIndex(f"{self._folder}: {name}.npy is empty") from err
            finally:
                os.close(fd)
        return self._maps[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0  # (not a bool, which is an int to Python)


def _number(value: Any) -> bool:
    return type(value) in (int, float)


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _settings(value: Any) -> bool:
    return isinstance(value, dict)


def _relative(paths: Any) -> bool:
    """Paths inside the corpus, as the index stores them: strings, relative, never through `..`, without NUL. Checked
    on the paths joined into one string (a corpus may have 100,000 folders: no Python loop per path)."""
    try:
        joined = "\n" + "\n".join(paths) + "\n"
    except TypeError:  # (not all strings)
        return False
    if os.name == "nt":  # (a backslash separates folders too, and C:\ starts an absolute path)
        joined = joined.replace("\\", "/")
        if any(os.path.isabs(path) for path in paths):
            return False
    if "\0" in joined or "\n/" in joined:
        return False
    return ".." not in joined or not any(part in joined for part in ("\n../", "\n..\n", "/../", "/..\n"))


def _texts(value: Any) -> bool:
    try:
        return isinstance(value, list) and isinstance("".join(value), str)
    except TypeError:  # (not all strings)
        return False


def _paths(value: Any) -> bool:
    return isinstance(value, list) and _relative(value)


def _folders(value: Any) -> bool:
    """Each folder's path and modification time (only ever compared with one: a number, as cheaply checked)."""
    try:
        return isinstance(value, dict) and _relative(value) and min(value.values(), default=0) >= 0
    except TypeError:  # (a time that is not a number)
        return False


def _arrays(value: Any) -> bool:
    """Each array's name (a plain file name in the generation folder: lowercase letters, digits, `_`, one `.`), size
    and CRC."""
    return isinstance(value, dict) and all(
        isinstance(name, str) and name[:1].isalpha() and name.count(".") <= 1 and name.isascii()
        and name.replace("_", "").replace(".", "").isalnum() and name.islower()
        and isinstance(info, dict) and _count(info.get("bytes")) and _count(info.get("crc32"))
        for name, info in value.items())


def _vectors(value: Any) -> bool:
    return isinstance(value, dict) and _text(value.get("model")) and _count(value.get("dims")) and value["dims"] > 0


# What every generation's meta.json holds, checked on load: a value of the wrong type is damage (rebuilt), never an
# error later. Hand-written, not the jsonschema package: importing it takes over 100 ms, more than a cold question.
META_SCHEMA: dict[str, Callable[[Any], bool]] = {
    "arrays": _arrays, "passages": _count, "documents": _count, "terms": _count, "files": _count,
    "avgdl": _number, "k1": _number, "b": _number, "epsilon": _number, "fingerprint": _text, "corpus": _text,
    "settings": _settings, "folders": _folders, "skipped": _texts, "unreadable": _paths,
}
OPTIONAL_META: dict[str, Callable[[Any], bool]] = {"vectors": _vectors}


def _check_meta(meta: Any, label: str) -> dict[str, Any]:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise CorruptIndex(f"{label}: not an askiraq index")
    if meta.get("version") != FORMAT_VERSION:
        raise OutdatedIndex(f"{label}: index format version {meta.get('version')}, expected {FORMAT_VERSION}")
    for key, valid in (*META_SCHEMA.items(), *((k, v) for k, v in OPTIONAL_META.items() if k in meta)):
        if key not in meta:
            raise CorruptIndex(f"{label}: meta.json has no {key!r}")
        if not valid(meta[key]):
            raise CorruptIndex(f"{label}: meta.json's {key!r} is not what an index holds")
    return meta


def verify(generation: Generation, *, full: bool) -> None:
    """Check every array's size, and (if `full` or the index is small) its CRC-32."""
    arrays: dict[str, Any] = generation.meta["arrays"]
    total = sum(int(info.get("bytes", 0)) for info in arrays.values())
    check_crc = full or total <= VERIFY_ALL_BELOW_BYTES
    for name, info in arrays.items():
        buffer = generation._buffers.get(name)
        if buffer is None:
            raise CorruptIndex(f"{generation.label}: array {name} missing")
        if len(buffer) != info.get("bytes"):
            raise CorruptIndex(f"{generation.label}: {name} has {len(buffer)} bytes, expected {info.get('bytes')}")
        if check_crc and zlib.crc32(buffer) != info.get("crc32"):
            raise CorruptIndex(f"{generation.label}: {name} fails its checksum")


def in_memory(meta: dict[str, Any], arrays: Mapping[str, ArrayLike]) -> Generation:
    """A generation that lives only in this process (used when the index folder is read-only)."""
    encoded = {name: npy_bytes(array) for name, array in arrays.items()}
    info = {name: {"bytes": len(data), "crc32": zlib.crc32(data)} for name, data in encoded.items()}
    return Generation(_full_meta(meta, info), encoded, "in-memory index")


def _full_meta(meta: dict[str, Any], info: dict[str, Any]) -> dict[str, Any]:
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, **meta, "arrays": info}


def _write_array(path: str, array: ArrayLike) -> dict[str, int]:
    """Write header and data straight from the array's buffer (no copy); its size and CRC-32."""
    header = _npy_header(array)
    data = memoryview(array).cast("B")  # type: ignore[arg-type]
    with open(path, "wb") as handle:
        handle.write(header)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return {"bytes": len(header) + len(data), "crc32": zlib.crc32(data, zlib.crc32(header))}


MAX_META_BYTES = 1 << 30  # meta.json lists every folder of the corpus and every file left out: large, not endless


def _read_text(path: str, limit: int) -> str:
    """A small file of the index, whole: CorruptIndex when it is larger than `limit` (or not a regular file)."""
    data = read_regular_file(path, limit)
    if len(data) > limit:
        raise CorruptIndex(f"{path} is larger than an index ever writes it")
    return data.decode("utf-8")


_CURRENT = "CURRENT"  # the pointer file naming the live generation


def has_generation(index_dir: str) -> bool:
    """Whether an index was ever written in `index_dir` (without reading or checking it)."""
    return os.path.exists(os.path.join(index_dir, _CURRENT))


def _current_folder(index_dir: str) -> str | None:
    """The live generation's folder, as CURRENT names it; None when there is no index yet. CorruptIndex when it
    names none."""
    try:
        name = _read_text(os.path.join(index_dir, _CURRENT), 64).strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise CorruptIndex(f"{index_dir}: unreadable CURRENT ({err})") from err
    if not (len(name) == 36 and name.startswith("gen-") and all(c in "0123456789abcdef" for c in name[4:])):
        raise CorruptIndex(f"{index_dir}: CURRENT names no generation")
    return os.path.join(index_dir, name)


def recorded_settings(index_dir: str) -> dict[str, Any]:
    """The build settings the live generation's meta.json records, its arrays unchecked: an index rebuilt because an
    array is damaged, or built by another version, keeps what the user chose (passage vectors, JSON field names).
    {} when there are none to read."""
    try:
        folder = _current_folder(index_dir)
        meta = json.loads(_read_text(os.path.join(folder, "meta.json"), MAX_META_BYTES)) if folder else None
    except (CorruptIndex, OSError, ValueError, RecursionError):
        return {}
    return settings_of(meta)


def settings_of(meta: Any) -> dict[str, Any]:
    """The build settings a generation's metadata records ({} for none)."""
    settings = meta.get("settings") if isinstance(meta, dict) else None
    return settings if isinstance(settings, dict) else {}


def read_current(index_dir: str) -> Generation | None:
    """The live generation, or None when there is none yet. CorruptIndex when it fails a check."""
    for _attempt in range(5):
        folder = _current_folder(index_dir)
        if folder is None:
            return None
        try:
            meta = json.loads(_read_text(os.path.join(folder, "meta.json"), MAX_META_BYTES))
        except FileNotFoundError:
            continue  # a writer replaced this generation while we looked: read CURRENT again
        except (OSError, ValueError, RecursionError) as err:
            raise CorruptIndex(f"{folder}: unreadable meta.json ({err})") from err
        meta = _check_meta(meta, folder)
        files = _MappedFiles(folder, list(meta["arrays"]))
        try:
            generation = Generation(meta, files, folder)
            verify(generation, full=False)
        except FileNotFoundError:
            continue
        except OSError as err:
            raise CorruptIndex(f"{folder}: {err}") from err
        return generation
    return None


def write_generation(index_dir: str, meta: dict[str, Any], arrays: Mapping[str, ArrayLike]) -> None:
    """Write a new generation and make it current atomically; then remove the older ones.

    The caller holds the writer lock. Raises OSError when the folder cannot be written, leaving nothing of
    this write behind (what a killed writer leaves, the next run removes: `remove_leftovers`).
    """
    import shutil

    os.makedirs(index_dir, exist_ok=True)
    tmp = os.path.join(index_dir, f"tmp-{uuid.uuid4().hex}")
    generation = f"gen-{uuid.uuid4().hex}"
    pointer = os.path.join(index_dir, f"CURRENT.{uuid.uuid4().hex}.tmp")
    os.mkdir(tmp)
    try:
        info = {name: _write_array(os.path.join(tmp, f"{name}.npy"), array) for name, array in arrays.items()}
        _fsync_write(os.path.join(tmp, "meta.json"), json.dumps(_full_meta(meta, info), indent=1).encode())
        _fsync_dir(tmp)
        os.rename(tmp, os.path.join(index_dir, generation))
        _fsync_write(pointer, generation.encode())
        os.replace(pointer, os.path.join(index_dir, _CURRENT))
    except BaseException:  # (a full disk, Ctrl-C): the new generation and pointer go, CURRENT still names the old
        for folder in (tmp, os.path.join(index_dir, generation)):
            shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.unlink(pointer)
        raise
    _fsync_dir(index_dir)
    remove_stale(index_dir, keep=generation)


def remove_stale(index_dir: str, keep: str) -> None:
    """Delete generations and temporary files other than `keep` (left by older or killed writers)."""
    import shutil

    with os.scandir(index_dir) as entries:
        stale = [e for e in entries if e.name != keep and e.name.startswith(("gen-", "tmp-", "CURRENT."))]
    for entry in stale:
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def remove_leftovers(index_dir: str) -> None:
    """Remove what killed or failed writers left (`tmp-*` folders, generations CURRENT does not name, a
    `CURRENT.*.tmp`), unless a writer is at work. One listing of the folder when there is nothing to remove."""
    try:
        names = os.listdir(index_dir)
    except OSError:
        return
    generations = sum(name.startswith("gen-") for name in names)
    if generations <= (_CURRENT in names) and not any(name.startswith(("tmp-", "CURRENT.")) for name in names):
        return
    with contextlib.suppress(OSError), _flocked(os.path.join(index_dir, "lock"), wait=False) as locked:
        if locked:  # (CURRENT read under the lock: no writer can be switching it)
            try:
                keep = _read_text(os.path.join(index_dir, _CURRENT), 64).strip()
            except (OSError, UnicodeDecodeError, CorruptIndex):
                keep = ""
            remove_stale(index_dir, keep=keep)


@contextlib.contextmanager
def writer_lock(index_dir: str) -> Iterator[None]:
    """Hold an exclusive flock on `index_dir/lock` (waits for another writer to finish).

    A folder this call created is removed again when the build in it fails before writing anything,
    so a corpus with nothing to index leaves no empty index folder behind.
    """
    created = not os.path.isdir(index_dir)
    os.makedirs(index_dir, exist_ok=True)
    try:
        with _flocked(os.path.join(index_dir, "lock")):
            yield
    except BaseException:
        if created and set(os.listdir(index_dir)) <= {"lock"}:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(index_dir, "lock"))
                os.rmdir(index_dir)
        raise


@contextlib.contextmanager
def _flocked(path: str, wait: bool = True) -> Iterator[bool]:
    """Hold an exclusive flock on `path`: True once held; with `wait=False`, False at once when another has it."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; atomic renames still keep readers safe
        yield wait
        return
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
