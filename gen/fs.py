"""The only module that touches the disk: listing seeds, reading pages, atomic writes, the state file."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

STATE_DIR = ".gen"  # inside docs/; MkDocs skips dot-folders, so it is never published
STATE_FILE = "state.json"
BASE_DIR = "base"  # last generated text of every page, by hash, for three-way merges
STATE_VERSION = 1

# Seeds larger than this are refused before reading (a clear message, bounded memory).
MAX_SEED_BYTES = 20 * 1024 * 1024


def list_seeds(seeds_dir: Path) -> tuple[list[str], list[Path]]:
    """(seed files, manifest CSVs) under seeds_dir, sorted; hidden files and folders are skipped.
    Seed paths are plain strings (seeds_dir, "/", the relative path): there are tens of thousands."""
    seeds: list[str] = []
    manifests: list[Path] = []
    for root, dirs, files in os.walk(seeds_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            if name.lower().endswith(".csv"):
                manifests.append(Path(path))
            else:
                seeds.append(path)
    return seeds, manifests


def read_bytes(path: str | Path) -> bytes:
    """A seed's bytes; ValueError for files too large to be a document."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > MAX_SEED_BYTES:
            raise ValueError(f"is {size:,} bytes; seeds larger than {MAX_SEED_BYTES:,} bytes are not read")
        return f.read()


def file_stat(path: str | Path) -> tuple[int, int]:
    """(mtime in nanoseconds, size) of a file."""
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def sha256_of(path: str | Path) -> str | None:
    """SHA-256 of a file's bytes (None for files too large to be seeds, or unreadable)."""
    try:
        return hashlib.sha256(read_bytes(path)).hexdigest()
    except (OSError, ValueError):
        return None


def page_file(docs_dir: Path, page: str) -> str:
    """The file of a docs-relative page, as a string (the same string every time: a cache key)."""
    return f"{docs_dir}{os.sep}{page}"


def read_optional_bytes(path: Path) -> bytes | None:
    """A file's bytes, or None when it does not exist or cannot be read."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def write_bytes_atomic(path: Path, data: bytes, durable: bool = False) -> None:
    """Write bytes so that readers see the old file or the new one, never a partial one.

    The rename is atomic; `durable` also waits for the data to reach the disk (the state file).
    Pages skip that per-file wait, and make_durable() syncs them together, before the state."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_text(path: Path) -> str | None:
    """A page's text, or None when it does not exist."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def list_pages(docs_dir: Path) -> list[str]:
    """Docs-relative POSIX paths of every Markdown page, hidden folders skipped, sorted."""
    pages = []
    for root, dirs, files in os.walk(docs_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.endswith(".md") and not name.startswith("."):
                pages.append((Path(root) / name).relative_to(docs_dir).as_posix())
    return sorted(pages)


def write_atomic(path: Path, text: str, durable: bool = False) -> None:
    """Write text as UTF-8 with "\n" line ends, atomically (see write_bytes_atomic)."""
    write_bytes_atomic(path, text.encode("utf-8"), durable)


# Up to this many files are synced one by one; beyond, one system-wide sync is quicker.
SYNC_EACH_UP_TO = 256


def make_durable(paths: list[Path]) -> None:
    """Wait until these written (or renamed) files are on disk: each file and its folder, or one
    system-wide sync when there are many (which also waits for other programs' writes)."""
    if len(paths) > SYNC_EACH_UP_TO:
        os.sync()
        return
    for path in [*paths, *sorted({p.parent for p in paths})]:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue  # removed since
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove(path: Path, stop_at: Path) -> None:
    """Delete a file and any folders left empty by it, up to (not including) stop_at."""
    path.unlink(missing_ok=True)
    parent = path.parent
    while parent != stop_at and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _base_path(docs_dir: Path, sha256: str) -> Path:
    return docs_dir / STATE_DIR / BASE_DIR / sha256[:2] / f"{sha256}.md"


def read_base(docs_dir: Path, sha256: str) -> str | None:
    """The generated text with this hash, as kept for three-way merges (None if missing)."""
    return read_text(_base_path(docs_dir, sha256))


def write_base(docs_dir: Path, sha256: str, text: str) -> Path | None:
    """Keep a generated text under its hash (content-addressed; git stores it once with the page);
    the file written, if it was not there yet."""
    path = _base_path(docs_dir, sha256)
    if path.exists():
        return None
    write_atomic(path, text)
    return path


def drop_bases(docs_dir: Path, hashes: set[str]) -> None:
    """Delete kept texts that no page refers to any more."""
    root = docs_dir / STATE_DIR / BASE_DIR
    for sha256 in sorted(hashes):
        remove(_base_path(docs_dir, sha256), root)


def load_state(docs_dir: Path) -> dict[str, dict]:
    """Per page: what the generator last wrote there ({} on the first run)."""
    path = docs_dir / STATE_DIR / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: the generator's state file cannot be read ({exc}); restore it from git") from None
    if data.get("version") != STATE_VERSION:
        raise ValueError(f"{path}: state version {data.get('version')!r} is not {STATE_VERSION}")
    return data["pages"]


def save_state(docs_dir: Path, pages: dict[str, dict], old_pages: dict[str, dict] | None = None) -> None:
    """Write the state file atomically and durably, keys sorted (stable diffs); untouched when
    unchanged. Make the pages it describes durable first (make_durable).
    `old_pages`: the state as loaded, whose lines are kept for entries that did not change."""
    path = docs_dir / STATE_DIR / STATE_FILE
    old_text = read_text(path)
    kept = _state_rows(old_text, old_pages) if old_text and old_pages else {}
    rows = {page: kept[page] if page in kept and old_pages[page] == entry else None  # type: ignore[index]
            for page, entry in pages.items()}
    text = json_lines({"version": STATE_VERSION, "pages": pages}, "pages", rows=rows)
    if old_text != text:
        write_atomic(path, text, durable=True)


def _state_rows(text: str, pages: dict[str, dict]) -> dict[str, str]:
    """The line of each entry in a state file written by save_state (page -> line)."""
    lines = text.split("\n")[2 : 2 + len(pages)]
    rows = {}
    for page, line in zip(sorted(pages), lines):
        line = line.removesuffix(",")
        if line.startswith(f"  {_ONE(page)}: "):
            rows[page] = line
    return rows


_ONE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def json_lines(data: dict, *big: str, rows: dict[str, str | None] | None = None) -> str:
    """JSON with one line per entry of the `big` members (readable diffs, and the fast C encoder
    instead of the pure-Python one that indent= needs); keys sorted. `rows`: lines already made
    for entries of a big dict member (None: make it)."""
    one = _ONE

    def row(k: str, v: object) -> str:
        made = rows.get(k) if rows else None
        return made if made is not None else f"  {one(k)}: {one(v)}"

    parts = []
    for key in sorted(data):
        value = data[key]
        if key in big and isinstance(value, dict):
            lines = ",\n".join(row(k, v) for k, v in sorted(value.items()))
            parts.append(f"{one(key)}: {{\n{lines}\n }}" if lines else f"{one(key)}: {{}}")
        elif key in big and isinstance(value, list):
            lines = ",\n".join(f"  {one(v)}" for v in value)
            parts.append(f"{one(key)}: [\n{lines}\n ]" if lines else f"{one(key)}: []")
        else:
            parts.append(f"{one(key)}: {one(value)}")
    return "{\n " + ",\n ".join(parts) + "\n}\n"


def write_report(path: Path, report: dict) -> None:
    """The run report as JSON, one line per seed and per page."""
    write_atomic(path, json_lines(report, "seeds", "pages", "problems"))
