"""The only module that touches the disk: listing seeds, reading pages, atomic writes, the state file."""

from __future__ import annotations

import json
import os
from pathlib import Path

STATE_DIR = ".gen"  # inside docs/; MkDocs skips dot-folders, so it is never published
STATE_FILE = "state.json"
BASE_DIR = "base"  # last generated text of every page, by hash, for three-way merges
STATE_VERSION = 1

# Seeds larger than this are refused before reading (a clear message, bounded memory).
MAX_SEED_BYTES = 20 * 1024 * 1024


def list_seeds(seeds_dir: Path) -> tuple[list[Path], list[Path]]:
    """(seed files, manifest CSVs) under seeds_dir, sorted; hidden files and folders are skipped."""
    seeds, manifests = [], []
    for root, dirs, files in os.walk(seeds_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            (manifests if name.lower().endswith(".csv") else seeds).append(path)
    return seeds, manifests


def read_bytes(path: Path) -> bytes:
    """A seed's bytes; ValueError for files too large to be a document."""
    size = path.stat().st_size
    if size > MAX_SEED_BYTES:
        raise ValueError(f"is {size:,} bytes; seeds larger than {MAX_SEED_BYTES:,} bytes are not read")
    return path.read_bytes()


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
    """Write text so that readers see the old file or the new one, never a partial one.

    The rename is atomic; `durable` also waits for the data to reach the disk (the state file).
    Pages skip that per-file wait, and flush_all() makes them durable once, before the state."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def flush_all() -> None:
    """Make every write so far durable (one sync instead of one per file)."""
    os.sync()


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


def write_base(docs_dir: Path, sha256: str, text: str) -> None:
    """Keep a generated text under its hash (content-addressed; git stores it once with the page)."""
    path = _base_path(docs_dir, sha256)
    if not path.exists():
        write_atomic(path, text)


def prune_bases(docs_dir: Path, keep: set[str]) -> None:
    """Delete kept texts that no page refers to any more."""
    root = docs_dir / STATE_DIR / BASE_DIR
    if not root.is_dir():
        return
    for path in sorted(root.glob("*/*.md")):
        if path.stem not in keep:
            remove(path, root)


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


def save_state(docs_dir: Path, pages: dict[str, dict]) -> None:
    """Write the state file atomically, keys sorted (stable diffs); untouched when unchanged."""
    data = {"version": STATE_VERSION, "pages": pages}
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    path = docs_dir / STATE_DIR / STATE_FILE
    if read_text(path) != text:
        flush_all()
        write_atomic(path, text, durable=True)


def write_report(path: Path, report: dict) -> None:
    """The run report as JSON."""
    write_atomic(path, json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
