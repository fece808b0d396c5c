"""The last build's site/ emptied off the build's path: MkDocs empties site_dir file by file before
it builds (1.6 s per 10,000 documents, 400,000 files at 100,000); this moves the folder under
build/ in one rename and removes it while the build goes on, with `rm -rf` in a child process
where there is one: removing it from a thread of the build's own process took the build's
interpreter lock for most of a minute at 100,000 documents.

Folders of site/ that only this plugin writes (KEEP: files/, the per-document downloads, 200,000
entries at 100,000 documents) are kept under build/kept-site/ instead and put back before the
plugin writes them again (put_back), so the build updates them in place (gen/export/ writes a file
only when it changed and checks every original again) instead of removing and making them again.

A folder that cannot be moved in one step (a link, a mount, another file system, no permission)
is left where it is, and MkDocs empties it as before. What a stopped build left under build/ is
removed by the next one.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import threading
from pathlib import Path

ASIDE = Path("build") / "old-sites"  # under the project folder
KEPT = Path("build") / "kept-site"  # the parts of the last site/ the next build updates in place
KEEP = ("files",)  # folders of site/ only the archive plugin writes (gen/export/)


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
            remove_tree(self.folder / name)
        try:
            self.folder.rmdir()
        except OSError:
            pass  # another build set a folder aside meanwhile: it removes it


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


def put_back(site_dir: Path, root: Path) -> list[str]:
    """Move the folders set_aside kept into site_dir, where this build has made nothing of their
    name; the names put back. A kept folder that cannot go back is removed."""
    kept, back = root / KEPT, []
    for name in KEEP:
        part = kept / name
        if not part.is_dir():
            continue
        try:
            if not os.path.lexists(site_dir / name):
                os.rename(part, site_dir / name)
                back.append(name)
                continue
        except OSError:
            pass
        shutil.rmtree(part, ignore_errors=True)
    try:
        kept.rmdir()
    except OSError:
        pass  # none, or another build kept something meanwhile
    return back


def _remove_left(folder: Path) -> SetAside | None:
    """What stopped builds left, removed in the background too."""
    if not folder.is_dir():
        return None
    remover = SetAside(folder)
    remover.start()
    return remover
