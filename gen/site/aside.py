"""The last build's site/ emptied off the build's path: MkDocs empties site_dir file by file before
it builds (1.6 s per 10,000 documents, 400,000 files at 100,000); this moves the folder under
build/ in one rename and removes it while the build goes on, with `rm -rf` in a child process
where there is one: removing it from a thread of the build's own process took the build's
interpreter lock for most of a minute at 100,000 documents.

Folders of site/ that the archive plugin writes (KEEP) are kept under build/kept-site/ instead and
put back before the plugin writes them again (put_back), so the build updates them in place
instead of removing and making them again:

- files/, the documents' originals (200,000 entries, folders and files, at 100,000 documents):
  gen/export/ leaves an original still as the last build checked it unread (gen/export/record.py),
  places one only when it changed, and removes those of pages gone. A files/ that MkDocs made (from a docs/files/
  folder) wins, and the kept one is removed.
- archive/, the document pages (100,000 folders): the plugin places every page again, which costs
  a look where the page is already in place, and removes what no page of this build and no file
  of MkDocs' is (sweep). Images and other files MkDocs copied there from docs/archive/ are merged
  into the kept folder first. A build that swept the folder records what it left there
  (build/cache/archive-pages.pickle, with the folder's inode and modification time): the next build takes the record
  before it places a page and removes by name what it names and no page is now, instead of
  walking 100,000 folders; without a record that fits the very folder put back (a build stopped
  or run with --dirty since, site/ removed or made by another builder), the folder is walked.
- search/, the search index (150,000 files at 100,000 documents): archive-search takes the last
  build's folder over and replaces only the files that changed (gen/search/index.py).

A folder that cannot be moved in one step (a link, a mount, another file system, no permission)
is left where it is, and MkDocs empties it as before. What a stopped build left under build/ is
removed by the next one.
"""

from __future__ import annotations

import os
import pickle
import secrets
import shutil
import threading
from pathlib import Path

from gen import fs
from gen.identity import ARCHIVE
from gen.search import FOLDER as SEARCH

RECORD = "archive-pages.pickle"  # under build/cache/: what a swept archive/ holds
_RECORD_LAYOUT = 1
ASIDE = Path("build") / "old-sites"  # under the project folder
KEPT = Path("build") / "kept-site"  # the parts of the last site/ the next build updates in place
KEEP = ("files", ARCHIVE, SEARCH)  # folders of site/ the archive plugins write (gen/export/, gen/site/publish.py, gen/search/)
MERGED = (ARCHIVE,)  # of those, the ones MkDocs may have written files into, kept with them


class SetAside(threading.Thread):
    """Removing the folders under `folder` (set aside by this build and by stopped ones)."""

    def __init__(self, folder: Path):
        super().__init__(daemon=True, name="archive-old-site")
        self.folder = folder

    def run(self) -> None:
        try:
            names = sorted(os.listdir(self.folder))
        except OSError:
            return
        for name in names:
            fs.remove_tree(self.folder / name)
        try:
            self.folder.rmdir()
        except OSError:
            pass  # another build set a folder aside meanwhile: it removes it


def set_aside(site_dir: Path, root: Path) -> SetAside | None:
    """Move site_dir (when it is a real folder) under root/build/old-sites/ and start removing it
    there; None when there is nothing to move or it cannot be moved in one rename."""
    folder = root / ASIDE
    try:
        if site_dir.is_symlink() or not site_dir.is_dir() or root.resolve().is_relative_to(site_dir.resolve()):
            return _remove_left(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if os.stat(folder).st_dev != os.stat(site_dir).st_dev or os.path.ismount(site_dir):
            return _remove_left(folder)
        _keep(site_dir, root / KEPT, folder)
        os.rename(site_dir, folder / f"{os.getpid()}-{secrets.token_hex(4)}")
    except OSError:
        return _remove_left(folder)
    remover = SetAside(folder)
    remover.start()
    return remover


def _keep(site_dir: Path, kept: Path, folder: Path) -> None:
    """Move site_dir's KEEP folders under kept (one kept by a stopped build goes to be removed)."""
    for name in KEEP:
        part = site_dir / name
        if part.is_dir() and not part.is_symlink():
            if (kept / name).exists():
                os.rename(kept / name, folder / f"{os.getpid()}-{secrets.token_hex(4)}-{name}")
            kept.mkdir(parents=True, exist_ok=True)
            os.rename(part, kept / name)


def put_back(site_dir: Path, root: Path, names: tuple[str, ...] = KEEP) -> list[str]:
    """Move the folders set_aside kept into site_dir, where this build has made nothing of their
    name, or where it did and the folder is one of MERGED (what this build made goes into the
    kept folder first); the names put back. A kept folder that cannot go back, or that is not
    among `names` (this build does not write it), is removed."""
    kept, back = root / KEPT, []
    for name in KEEP:
        part, target = kept / name, site_dir / name
        if not part.is_dir():
            continue
        if name not in names:
            fs.remove_tree(part)
            continue
        try:
            if os.path.lexists(target) and name in MERGED and target.is_dir() and not target.is_symlink():
                _merge(target, part)
                shutil.rmtree(target)  # folders only, now
            if not os.path.lexists(target):
                os.rename(part, target)
                back.append(name)
                continue
        except OSError:
            pass
        fs.remove_tree(part)
    try:
        kept.rmdir()
    except OSError:
        pass  # none, or another build kept something meanwhile
    return back


def _merge(new: Path, kept: Path) -> None:
    """Move every file under `new` to the same place under `kept`, replacing what is there."""
    for folder, dirs, files in os.walk(new):
        rel = os.path.relpath(folder, new)
        into = kept / rel if rel != "." else kept
        if into.is_symlink() or (into.exists() and not into.is_dir()):
            into.unlink()
        into.mkdir(parents=True, exist_ok=True)
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            there = into / name
            if there.is_dir() and not there.is_symlink():
                shutil.rmtree(there)
            os.replace(os.path.join(folder, name), there)


def take_record(path: Path, folder: Path) -> frozenset[str] | None:
    """What the last sweep left in `folder` (paths relative to it), when it is the very folder that
    sweep recorded; the record is removed as it is taken (a build that stops before it records
    its own sweep leaves none). None: the folder's files are not known."""
    try:
        data = path.read_bytes()
        path.unlink()
        st = os.lstat(folder)
    except OSError:  # no record (or it cannot be taken), or no folder
        return None
    try:
        layout, where, names = pickle.loads(data)
    except Exception:  # damaged, or of a layout this code cannot read
        return None
    if layout != _RECORD_LAYOUT or where != _identity(folder, st) or not isinstance(names, frozenset):
        return None
    return names


def save_record(path: Path, folder: Path, names: frozenset[str]) -> None:
    """Record what a sweep of `folder` left there (a record that cannot be written costs the next build a walk)."""
    try:
        fs.write_bytes_atomic(path, pickle.dumps((_RECORD_LAYOUT, _identity(folder, os.lstat(folder)), names),
                                                 protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass


def _identity(folder: Path, st: os.stat_result) -> tuple[str, int, int, int]:
    # Put back by a rename, a kept folder keeps its inode and modification time; one made again
    # (site/ removed, or built by another builder), or one with entries added or removed since
    # (files MkDocs copied merged into it, a stray page folder), has others.
    return os.path.realpath(folder), st.st_dev, st.st_ino, st.st_mtime_ns


def sweep(folder: Path, wanted: set[str], listed: frozenset[str] | None = None) -> int:
    """Remove every file under `folder` whose path (relative to it, with "/") is not in `wanted`,
    and the folders that are left empty; how many files went. The pages of a kept archive/ that
    no page of this build and no file of MkDocs' is: pages removed or moved since the last build.
    `listed`: every file the folder may hold (take_record); only those are looked at."""
    if listed is not None:
        return len(fs.remove_listed(folder, sorted(listed - wanted)))
    gone = 0

    def walk(path: str, rel: str) -> bool:  # whether the folder is empty now
        nonlocal gone
        left = 0
        with os.scandir(path) as entries:
            for entry in entries:
                name = f"{rel}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    if walk(entry.path, name + "/"):
                        try:
                            os.rmdir(entry.path)
                            continue
                        except OSError:
                            pass
                    left += 1
                elif name in wanted:
                    left += 1
                else:
                    try:
                        os.unlink(entry.path)
                        gone += 1
                    except OSError:
                        left += 1
        return left == 0

    if folder.is_dir() and not folder.is_symlink():
        walk(str(folder), "")
    return gone


def _remove_left(folder: Path) -> SetAside | None:
    """What stopped builds left, removed in the background too."""
    if not folder.is_dir():
        return None
    remover = SetAside(folder)
    remover.start()
    return remover
