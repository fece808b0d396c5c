"""The generator's disk access: listing and reading seeds, reading pages, atomic and guarded
writes, the lock, the state file and the base copies."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import stat
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gen import state as statefile

STATE_DIR = ".gen"  # inside docs/; MkDocs skips dot-folders, so it is never published
BASE_DIR = "base"  # last generated text of every page, by hash, for three-way merges
LOCK_FILE = "lock"
# Written beside the state so the lock never reaches git, whatever the repository's own .gitignore.
STATE_GITIGNORE = "lock\n"

# Seeds larger than this are refused (a clear message, bounded memory); reads stop one byte past
# it, whatever the file claims to be.
MAX_SEED_BYTES = 20 * 1024 * 1024

# Temporary files: short fixed-prefix names (a long page name cannot make them too long), and
# recognisable, so a build removes any that a killed process left behind.
TMP_PREFIX = ".gen-tmp-"
# A temporary file this old was left by a stopped process (writing any one file takes far less);
# a younger one may be another build's, still being written.
STALE_TMP_SECONDS = 3600
# A page set aside while it is replaced or removed (see _take_aside): its own name follows.
ASIDE_PREFIX = ".gen-aside-"
# The previous release named them after the file (".NAME.PID.tmp").
_OLD_TMP = re.compile(r"^\..+\.\d+\.tmp$")


@dataclass(frozen=True)
class SeedListing:
    """What the seeds folder holds: seed files, manifest CSVs, and entries that are not read."""

    seeds: list[str]  # seeds_dir + "/" + relative path, sorted; plain strings (there are tens of thousands)
    manifests: list[Path]
    skipped: list[tuple[str, str]]  # (path, why)


def list_seeds(seeds_dir: Path) -> SeedListing:
    """Regular files under seeds_dir (hidden files and folders skipped). Links are listed as
    skipped, never followed: a seed must be a file inside the seeds folder."""
    seeds: list[str] = []
    manifests: list[Path] = []
    skipped: list[tuple[str, str]] = []

    def walk(folder: str) -> None:
        # os.scandir tells links, folders and regular files apart from the listing itself (no
        # stat call per file: 100,000 seeds are listed on every build).
        try:
            with os.scandir(folder) as listing:
                entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as exc:
            skipped.append((folder, f"cannot be listed ({exc.strerror or exc})"))
            return
        folders = []
        for entry in entries:
            path = os.path.join(folder, entry.name)
            if entry.is_symlink():
                skipped.append((path, "is a link to a folder; links are not followed (copy the files in)" if _to_folder(entry)
                                else "is a symbolic link; links are not followed (copy the file in)"))
            elif entry.is_dir(follow_symlinks=False):
                folders.append(path)
            elif not entry.is_file(follow_symlinks=False):
                skipped.append((path, "is not a regular file (a pipe, socket or device)"))
            elif entry.name.lower().endswith(".csv"):
                manifests.append(Path(path))
            else:
                seeds.append(path)
        for sub in folders:
            walk(sub)

    if os.path.isdir(seeds_dir):
        walk(str(seeds_dir))
    return SeedListing(seeds, manifests, skipped)


def _to_folder(entry: os.DirEntry) -> bool:
    """Whether a link leads to a folder (a broken link or a loop does not)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def read_bytes(path: str | Path) -> bytes:
    """A seed's bytes. Links are not followed and only regular files are read (OSError); a file
    larger than a document can be is refused (ValueError), counted by the bytes read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "is not a regular file")
        data = f.read(MAX_SEED_BYTES + 1)
    if len(data) > MAX_SEED_BYTES:
        raise ValueError(f"is larger than {MAX_SEED_BYTES:,} bytes; seeds larger than that are not read")
    return data


# A file changed this shortly before a record of stamps is written is not recorded ("racily
# clean", as git calls it): a second save within one tick of the file system's clock, of the same
# size, keeps its (mtime, size), so the next run reads such a file instead of trusting its stamp.
RACY_NS = 2_000_000_000


def trusted_stamp(mtime_ns: int, now_ns: int) -> bool:
    """Whether a file stamped mtime_ns may be known by its stamp in a record written at now_ns."""
    return mtime_ns < now_ns - RACY_NS


def file_stat(path: str | Path) -> tuple[int, int]:
    """(mtime in nanoseconds, size) of a file."""
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def sha256_of(path: str | Path) -> str | None:
    """SHA-256 of a seed's bytes (None for files too large to be seeds, or unreadable)."""
    try:
        return hashlib.sha256(read_bytes(path)).hexdigest()
    except (OSError, ValueError):
        return None


def page_file(docs_dir: Path, page: str) -> str:
    """The file of a docs-relative page, as a string (the same string every time: a cache key)."""
    return f"{docs_dir}{os.sep}{page}"


def read_whole(path: Path) -> bytes:
    """A file's bytes (a manifest: no size limit, OSError when it cannot be read)."""
    return path.read_bytes()


def read_optional_bytes(path: Path) -> bytes | None:
    """A file's bytes, or None when it does not exist or cannot be read."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def _tmp_beside(path: Path) -> Path:
    return path.with_name(f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}")


def _write_tmp(path: Path, data: bytes, durable: bool) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_beside(path)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_bytes_atomic(path: Path, data: bytes, durable: bool = False) -> None:
    """Write bytes so that readers see the old file or the new one, never a partial one.

    The rename is atomic; `durable` also waits for the data to reach the disk (the state file).
    Pages skip that per-file wait, and make_durable() syncs them together, before the state."""
    tmp = _write_tmp(path, data, durable)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, text: str, durable: bool = False) -> None:
    """Write text as UTF-8 with "\n" line ends, atomically (see write_bytes_atomic)."""
    write_bytes_atomic(path, text.encode("utf-8"), durable)


class PageError(ValueError):
    """A page that cannot be read as text; the message names the file."""


def read_text(path: Path) -> str | None:
    """A page's text (a byte-order mark dropped, CRLF read as LF), or None when there is none.
    PageError when it is not UTF-8 (saved in another encoding) or not a file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise PageError(f"{path}: is a folder, not a page") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PageError(f"{path}: is not UTF-8 (byte {exc.start}); save it as UTF-8 and run the build again") from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def tree_digest(root: Path, suffixes: tuple[str, ...]) -> str:
    """SHA-256 of every file under root whose name ends in one of `suffixes`, by path and content:
    the version of the code (and data) a cache entry or a rendered page was made by."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def text_digest(text: str) -> str:
    """SHA-256 of a page's text as the generator writes it (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest_of(path: Path) -> str | None:
    try:
        text = read_text(path)
    except PageError:
        return "unreadable"
    return None if text is None else text_digest(text)


def _put_back(aside: Path, path: Path) -> None:
    """Return a file set aside to its place, unless someone saved a newer one there meanwhile."""
    try:
        os.link(aside, path)
    except FileExistsError:
        pass
    os.unlink(aside)


def _take_aside(path: Path, expect: str) -> tuple[Path | None, bool]:
    """Move the file at path aside while it holds the text with hash `expect`: (where it went,
    or None when it is not there or holds something else (then it stays), whether it was there).
    The aside's name keeps the page's, so a build stopped right now has it put back by the next
    (restore_stray)."""
    aside = path.with_name(f"{ASIDE_PREFIX}{secrets.token_hex(4)}-{path.name}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return None, False
    try:
        same = _digest_of(aside) == expect
    except BaseException:
        _put_back(aside, path)
        raise
    if not same:
        _put_back(aside, path)
        return None, True
    return aside, True


def replace_if_unchanged(path: Path, text: str, expect: str | None) -> tuple[int, int] | None:
    """Put text at path only while the file there is still what the plan read: `expect` is the
    hash of its text then (None: there was no file). Gives the (mtime, size) of the file written
    (of this text, whatever is saved there afterwards), or None, and nothing changed, when someone
    saved it (or created it) since. The old file is moved aside first, so a save that lands
    between the check and the replacement is never overwritten."""
    tmp = _write_tmp(path, text.encode("utf-8"), durable=False)
    try:
        stamp = file_stat(tmp)  # the page's own: it is this file, linked
        aside = None
        if expect is not None:
            aside, _ = _take_aside(path, expect)
            if aside is None:
                return None
        try:
            os.link(tmp, path)  # never over a file: one saved in between stands
        except FileExistsError:
            return None
        except BaseException:
            if aside is not None:
                _put_back(aside, path)
                aside = None
            raise
        return stamp
    finally:
        tmp.unlink(missing_ok=True)
        if aside is not None:
            aside.unlink(missing_ok=True)


def remove_if_unchanged(path: Path, expect: str, stop_at: Path) -> bool:
    """Delete a page only while it is still what the plan read (see replace_if_unchanged)."""
    aside, was_there = _take_aside(path, expect)
    if aside is None:
        return not was_there
    remove(aside, stop_at)
    return True


def move_if_unchanged(src: Path, dst: Path, expect: str | None, stop_at: Path) -> bool:
    """Move a page to a new path (never over an existing file) while it is what the plan read
    (expect None: whatever it holds); folders left empty go, up to stop_at."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if expect is not None and _digest_of(src) != expect:
        return False
    try:
        os.link(src, dst)
    except (FileExistsError, FileNotFoundError):
        return False
    remove(src, stop_at)
    return True


def stale_tmp(name: str, mtime: float, now: float) -> bool:
    """Whether a file is a temporary one a stopped process left (see STALE_TMP_SECONDS)."""
    return name.startswith(TMP_PREFIX) and now - mtime > STALE_TMP_SECONDS


def drop_stale_tmps(folder: Path | str) -> int:
    """Remove the temporary files stopped processes left in a folder (not below it); how many went."""
    gone = 0
    now = time.time()
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    if stale_tmp(entry.name, entry.stat(follow_symlinks=False).st_mtime, now):
                        os.unlink(entry.path)
                        gone += 1
                except OSError:
                    pass
    except OSError:
        pass
    return gone


def list_pages(docs_dir: Path) -> list[str]:
    """Docs-relative POSIX paths of every Markdown page, hidden files and folders skipped, sorted."""
    pages = []
    for root, dirs, files in os.walk(docs_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = os.path.relpath(root, docs_dir).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        pages.extend(prefix + name for name in files if name.endswith(".md") and not name.startswith("."))
    return sorted(pages)


def restore_stray(folder: Path) -> tuple[int, int]:
    """What a stopped build left under folder: pages it had set aside go back to their place
    (unless a file stands there again), temporary files go. (pages put back, files removed)"""
    restored = removed = 0
    for root, _, files in os.walk(folder):
        for name in files:
            if not name.startswith("."):  # every name looked for is hidden; the pages are not
                continue
            path = Path(root, name)
            if name.startswith(ASIDE_PREFIX):
                original = path.with_name(name[len(ASIDE_PREFIX) + 9 :])  # after "<8 hex>-"
                try:
                    os.link(path, original)
                    restored += 1
                except FileExistsError:
                    pass
                path.unlink()
            elif name.startswith(TMP_PREFIX) or _OLD_TMP.match(name):
                path.unlink(missing_ok=True)
                removed += 1
    return restored, removed


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


def remove(path: Path, stop_at: Path) -> bool:
    """Delete a file and any folders left empty by it, up to (not including) stop_at; whether
    there was a file to delete."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False  # nothing was there: no folder was emptied (and a large folder is not listed for nothing)
    parent = path.parent
    while parent != stop_at and _empty(parent):
        parent.rmdir()
        parent = parent.parent
    return True


def remove_listed(folder: Path, names: Iterable[str]) -> list[str]:
    """Delete the files at these paths (relative to folder, with "/") and the folders each leaves
    empty; the names of those deleted. A name that leads out of the folder, or to a folder, is left."""
    gone = []
    for name in names:
        if name.startswith("/") or ".." in name.split("/"):
            continue
        try:
            if remove(folder / name, folder):
                gone.append(name)
        except OSError:  # a folder now, or not ours to remove
            pass
    return gone


def _empty(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except (FileNotFoundError, NotADirectoryError):
        return False


# ---- the lock ------------------------------------------------------------------------------


@contextmanager
def locked(docs_dir: Path, shared: bool = False, waiting: Callable[[], None] | None = None, create: bool = True) -> Iterator[None]:
    """Hold docs/'s lock: exclusive for a build that writes, shared for readers (MkDocs). The
    lock is the operating system's (flock), so a killed holder never leaves it taken. A reader
    that must write nothing at all (`gen status`) passes create=False: where no lock file is,
    no build has held one."""
    folder = docs_dir / STATE_DIR
    if shared and not folder.is_dir():
        yield  # nothing generated here yet: nothing to wait for, and a reader creates nothing
        return
    if not shared:
        folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(folder / LOCK_FILE, os.O_RDWR | (os.O_CREAT if create else 0), 0o644)
    except FileNotFoundError:
        yield
        return
    try:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                waiting()
            fcntl.flock(fd, mode)
        if not shared and not (folder / ".gitignore").exists():  # under the lock: no other build cleans up beside it
            write_atomic(folder / ".gitignore", STATE_GITIGNORE)
        yield
    finally:
        os.close(fd)


# ---- the state and the base copies ---------------------------------------------------------


def _base_path(docs_dir: Path, sha256: str) -> Path:
    return docs_dir / STATE_DIR / BASE_DIR / sha256[:2] / f"{sha256}.md"


def read_base(docs_dir: Path, sha256: str) -> str | None:
    """The generated text with this hash, as kept for three-way merges (None if missing)."""
    try:
        return read_text(_base_path(docs_dir, sha256))
    except PageError:
        return None


def write_base(docs_dir: Path, sha256: str, text: str) -> Path | None:
    """Keep a generated text under its hash (content-addressed; git stores it once with the page);
    the file written, if it was not there yet."""
    path = _base_path(docs_dir, sha256)
    if path.exists():
        return None
    write_atomic(path, text)
    return path


def list_bases(docs_dir: Path) -> list[str]:
    """The hash of every kept base copy."""
    root = docs_dir / STATE_DIR / BASE_DIR
    return sorted(p.stem for p in root.glob("*/*.md")) if root.is_dir() else []


def drop_bases(docs_dir: Path, hashes: set[str]) -> None:
    """Delete kept texts that no page refers to any more."""
    root = docs_dir / STATE_DIR / BASE_DIR
    for sha256 in sorted(hashes):
        remove(_base_path(docs_dir, sha256), root)


def state_exists(docs_dir: Path) -> bool:
    """True when a state file (of any version) is there."""
    folder = docs_dir / STATE_DIR
    return (folder / statefile.FILE).exists() or (folder / statefile.OLD_FILE).exists()


def load_state(docs_dir: Path) -> statefile.State:
    """The state as the last build left it, migrated from an earlier version when need be; an
    empty, damaged state (with a note) when it is missing or unreadable."""
    folder = docs_dir / STATE_DIR
    shown = f"{docs_dir.as_posix()}/{STATE_DIR}"
    text = read_optional_bytes(folder / statefile.FILE)
    if text is not None:
        return statefile.parse(text.decode("utf-8", "replace"), f"{shown}/{statefile.FILE}")
    old = read_optional_bytes(folder / statefile.OLD_FILE)
    if old is not None:
        return statefile.parse_v1(old.decode("utf-8", "replace"), f"{shown}/{statefile.OLD_FILE}")
    return statefile.State(notes=(f"{shown}/{statefile.FILE}: missing",), damaged=True)


def save_state(docs_dir: Path, state: statefile.State) -> bool:
    """Write the state file whole, atomically and durably (make the pages it describes durable
    first); untouched when unchanged. The previous release's file goes once the new one stands.
    True when anything was written."""
    folder = docs_dir / STATE_DIR
    path = folder / statefile.FILE
    text = statefile.dump(state)
    changed = read_optional_bytes(path) != text.encode("utf-8")
    if changed:
        write_atomic(path, text, durable=True)
    if (folder / statefile.OLD_FILE).exists():
        (folder / statefile.OLD_FILE).unlink()
        changed = True
    return changed


def write_report(path: Path, text: str) -> None:
    """The run report."""
    write_atomic(path, text)


_RM = shutil.which("rm") if os.name == "posix" else None
_NICE = shutil.which("nice")  # rm runs at a lower priority than the build


def remove_tree(path: Path) -> None:
    """Remove a folder and everything in it, with `rm -rf` in a child process where there is one
    (the caller's interpreter lock stays free); whatever is left, and on systems without `rm`,
    in this process."""
    if _RM:
        command = ([_NICE, "-n", "10"] if _NICE else []) + [_RM, "-rf", "--", str(path)]
        try:
            subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        except OSError:
            pass
    if os.path.lexists(path):
        shutil.rmtree(path, ignore_errors=True)
