"""A large CIN census file read by several processes at once (the machine's cores), each a part of it.

The file is cut between ``Child`` elements (a child never spans two parts, so every key made from a
child and a date is the same as when the file is read whole). Each part is parsed as a document of
its own: the bytes before the first child (declaration, ``<Message>``, ``Header``, ``<Children>``), the
part's children, and the closing tags. Each process reads its part with the same code as a whole file
(``cin_census._parse`` and ``extract_from``), writes its tables to private part files, and returns
only the counts, records set aside, warnings and its children's identifiers; the parts are then joined
in file order, so the output is the same, byte for byte, as reading the file whole.

When a child identifier appears in two parts, or a part cannot be parsed on its own (a ``<Child`` inside
a comment, say), the file is read whole instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

from . import cin_census
from .errors import StatutoryFileError
from .extract import Extract, write_extract, write_table

__all__ = ["import_parallel", "PARALLEL_FROM_BYTES", "workers_for", "LAST_RUN"]

PARALLEL_FROM_BYTES = 64 * 2**20  # below this, one process is quicker than starting others
_BLOCK = 1 << 20
_AFTER = (b">", b" ", b"\t", b"\r", b"\n", b"/")
LAST_RUN: dict = {}  # timings of the last parallel import, per process (for benchmarks/bench_import.py)


def workers_for(path: Path) -> int:
    """How many processes to read ``path`` with: 1 for a small file, else the cores this process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return 1 if Path(path).stat().st_size < PARALLEL_FROM_BYTES else max(1, min(cores, 8))


def _child_token(path: Path) -> tuple[bytes, bytes]:
    """``<Child`` and ``</Child>`` as the file writes them (with its namespace prefix, if any)."""
    from lxml import etree

    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True)
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(_BLOCK)
            if not chunk:
                break
            parser.feed(chunk)
            for _, el in parser.read_events():
                if etree.QName(el).localname == "Child":
                    name = (f"{el.prefix}:Child" if el.prefix else "Child").encode()
                    return b"<" + name, b"</" + name + b">"
    raise StatutoryFileError(path, "no <Child> element found")


def _next_child(fh, start: int, token: bytes) -> int | None:
    """Offset of the first ``token`` (followed by ``>``, space or ``/``) at or after ``start``."""
    fh.seek(start)
    pos = start
    carry = b""
    while True:
        block = fh.read(_BLOCK)
        if not block:
            return None
        data = carry + block
        base = pos - len(carry)
        i = data.find(token)
        while i >= 0:
            j = i + len(token)
            if j < len(data) and data[j:j + 1] in _AFTER:
                return base + i
            i = data.find(token, i + 1)
        carry = data[-(len(token) + 1):]
        pos += len(block)


def _plan(path: Path, k: int) -> tuple[bytes, bytes, list[tuple[int, int]]]:
    """The head, the tail and ``k`` byte ranges of children (fewer when the file has fewer breaks)."""
    open_tag, close_tag = _child_token(path)
    size = path.stat().st_size
    with open(path, "rb") as fh:
        first = _next_child(fh, 0, open_tag)
        if first is None:
            raise StatutoryFileError(path, "no <Child> element found")
        fh.seek(0)
        head = fh.read(first)
        fh.seek(max(0, size - _BLOCK))
        end_block = fh.read()
        last_close = end_block.rfind(close_tag)
        if last_close < 0:
            raise StatutoryFileError(path, "the XML is broken (no closing </Child> near its end); nothing was imported")
        tail_start = size - len(end_block) + last_close + len(close_tag)
        fh.seek(tail_start)
        tail = fh.read()
        cuts = [0]
        for j in range(1, k):
            at = _next_child(fh, max(cuts[-1] + 1, first, size * j // k), open_tag)
            if at is None or at >= tail_start:
                break
            cuts.append(at)
    ranges = []
    for j, start in enumerate(cuts):
        end = cuts[j + 1] if j + 1 < len(cuts) else tail_start
        ranges.append((start if j else 0, end))
    return head, tail, ranges


class _Part:
    """A file-like object: ``head`` (unless the part starts the file), bytes ``start:end`` of the file, ``tail``."""

    def __init__(self, path: Path, start: int, end: int, head: bytes, tail: bytes):
        self._pieces: list = ([head] if start else []) + [(start, end), tail]
        self._fh = open(path, "rb")

    def read(self, n: int = -1) -> bytes:
        out = []
        want = n if n and n > 0 else 1 << 62
        while want > 0 and self._pieces:
            piece = self._pieces[0]
            if isinstance(piece, bytes):
                take, rest = piece[:want], piece[want:]
                out.append(take)
                want -= len(take)
                if rest:
                    self._pieces[0] = rest
                else:
                    self._pieces.pop(0)
            else:
                start, end = piece
                self._fh.seek(start)
                take = self._fh.read(min(want, end - start))
                out.append(take)
                want -= len(take)
                if start + len(take) >= end or not take:
                    self._pieces.pop(0)
                else:
                    self._pieces[0] = (start + len(take), end)
        if not self._pieces:
            self._fh.close()
        return b"".join(out)


def _work(path: str, start: int, end: int, head: bytes, tail: bytes, folder: str) -> dict:
    """One process: read a part, write its tables, return what the whole needs to know (and, for the
    benchmark, how long each step took and the process's peak memory)."""
    import resource
    import time

    t0 = time.perf_counter()
    c0 = time.process_time()
    start_mb = _rss_mb()
    reader = cin_census._parse(Path(path), source=_Part(Path(path), start, end, head, tail), label=Path(path).name)
    ids = list(reader.ch["id"])
    t1 = time.perf_counter()
    extract = cin_census.extract_from(reader)
    del reader
    t2 = time.perf_counter()
    rows = {}
    for name, df in extract.tables.items():
        rows[name] = write_table(Path(folder) / f"{name}.csv", name, df)
    extract.tables = {}
    t3 = time.perf_counter()
    return {"extract": extract, "rows": rows, "ids": ids,
            "seconds": {"read": t1 - t0, "convert": t2 - t1, "write": t3 - t2, "cpu": time.process_time() - c0},
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "start_mb": start_mb}


def _rss_mb() -> float:
    """This process's resident memory now (MB); at a worker's start it is the memory shared with its parent."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # pragma: no cover - not Linux
        return 0.0


def _shift(frames: Iterable[pd.DataFrame], offset: int) -> list[pd.DataFrame]:
    """Locations ``Message/Children/Child[i]`` of a part, as positions in the whole file."""
    out = []
    for f in frames:
        f = f.copy()
        if offset and "location" in f.columns:
            f["location"] = f["location"].astype(str).str.replace(
                r"^Message/Children/Child\[(\d+)\]", lambda m: f"Message/Children/Child[{int(m.group(1)) + offset}]",
                regex=True)
        out.append(f)
    return out


def _merge(results: list[dict], folders: list[Path]) -> Extract:
    out = Extract()
    first = results[0]["extract"]
    out.fields, out.absent = first.fields, first.absent
    offset = 0
    files: dict[tuple[str, str], dict] = {}
    for res, folder in zip(results, folders, strict=True):
        e: Extract = res["extract"]
        for t, n in e.read.items():
            out.read[t] = out.read.get(t, 0) + n
        for t, frames in e.rejected.items():
            out.rejected.setdefault(t, []).extend(_shift(frames, offset))
        out.warnings += e.warnings
        for row in e.files:
            key = (row["file"], row["part"])
            if key in files:
                files[key]["records"] += row["records"]
            else:
                files[key] = dict(row)
        for t, n in res["rows"].items():
            out.parts.setdefault(t, []).append(folder / f"{t}.csv")
            out.part_rows[t] = out.part_rows.get(t, 0) + n
        offset += len(res["ids"])
    out.files = list(files.values())
    return out


def import_parallel(path, out_dir, force: bool = False, workers: int = 2) -> pd.DataFrame:
    """Read ``path`` with ``workers`` processes and write the extract (see the module docstring)."""
    path = Path(path)
    root, _ = cin_census._root(path)
    if root != "Message":
        cin_census._parse(path)  # raises the refusal with its message
    head, tail, ranges = _plan(path, workers)
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".cin_parts_", dir=out.parent))  # private (0700), removed below
    try:
        folders = [stage / str(j) for j in range(len(ranges))]
        for f in folders:
            f.mkdir(mode=0o700)
        with ProcessPoolExecutor(max_workers=len(ranges), mp_context=get_context("fork")) as pool:
            futures = [pool.submit(_work, str(path), s, e, head, tail, str(f)) for (s, e), f in zip(ranges, folders,
                                                                                                  strict=True)]
            try:
                results = [f.result() for f in futures]
            except StatutoryFileError as exc:
                if "the XML is broken" in str(exc) and len(ranges) > 1:
                    # a part that cannot stand alone (or a truly broken file): read whole, which says which
                    return write_extract(cin_census.read_cin_census(path), out, force=force)
                raise
        seen: set = set()
        for res in results:
            ids = {i for i in res["ids"] if i}
            if seen & ids:  # a child in two parts: keys and duplicates need the whole file
                return write_extract(cin_census.read_cin_census(path), out, force=force)
            seen |= ids
        import time

        t0 = time.perf_counter()
        report = write_extract(_merge(results, folders), out, force=force)
        LAST_RUN.clear()
        LAST_RUN.update({"workers": [r["seconds"] | {"peak_mb": r["peak_mb"], "start_mb": r["start_mb"]} for r in results],
                         "join_s": time.perf_counter() - t0})
        return report
    finally:
        shutil.rmtree(stage, ignore_errors=True)
