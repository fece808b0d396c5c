"""The export's disk access: originals hard-linked (or copied) into the site after their hash is
checked, the metadata files written whole, leftovers of earlier builds removed.

Paths are plain strings here, and a document's folder is known to be new when this build made
it (nothing to compare or replace): the file system's calls are most of the time. Measured on 2
shared cores: 10,000 documents in about 3 s into an empty site, 2 s into the same site again,
6 s when every original is copied.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from gen import fs

# Temporary names beside their target: hidden, so nothing ever serves one, and recognisable,
# so a stopped build's are removed by the next (remove_others).
TMP_PREFIX = ".export-tmp-"

# Link errors that mean "this file system (or this file) cannot be linked here": copy instead.
# EXDEV: another file system; EPERM: fs.protected_hardlinks, or no links on this file system;
# EMLINK: the file has too many links; ENOTSUP/EOPNOTSUPP: no link support (FAT, some mounts).
_CANNOT_LINK = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}


class SeedError(ValueError):
    """A seed that cannot be published; the message says why (the caller names page and seed)."""


def seed_path(root: str, seed: str, real: dict[str, str]) -> str:
    """The seed's file under the project root; SeedError for a path that leaves it, through
    `..`, a link or a hidden folder (`.git/…`). The file itself being a link is caught on reading.
    `real` remembers, for one export, each folder as a seed names it: where it is under the root,
    or why no seed in it is published (seeds share a few folders; 100,000 are checked in a build)."""
    folder, _, name = seed.rpartition("/")
    if seed.startswith("/") or not name or name in ("..", ".") or name.startswith(".") or "\\" in name:
        raise SeedError(_PLAIN)
    place = real.get(folder)
    if place is None:
        place = real[folder] = _folder(root, folder)
    if place.startswith(_REFUSED):
        raise SeedError(place[len(_REFUSED):])
    return os.path.join(place, name)


_PLAIN = "is not a plain path inside the project folder"
_REFUSED = "\x00"  # marks a folder's entry in seed_path's memo that holds why, not where


def _folder(root: str, folder: str) -> str:
    """Where a seed's folder (as the seed names it; "" for the root) is, or _REFUSED and why a
    seed in it is not published."""
    parts = PurePosixPath(folder).parts
    if folder.startswith("/") or "\\" in folder or any(p in ("..", ".") or p.startswith(".") for p in parts):
        return _REFUSED + _PLAIN
    path = os.path.join(root, *parts)
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(path)]) != real_root:
        return _REFUSED + "leads outside the project folder (through a link)"
    return path


def may_publish(root: str, seed: str, real: dict[str, str] | None = None) -> bool:
    """Whether the seed is there to publish by its path: a regular file (not a link) inside the
    project folder. Its content is checked against seed_sha256 only when it is published."""
    try:
        path = seed_path(root, seed, {} if real is None else real)
    except SeedError:
        return False
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)  # a regular file, and not through a link
    except (OSError, ValueError):
        return False


def _tmp(dest: str) -> str:
    return os.path.join(os.path.dirname(dest), f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}")


def _read(path: str) -> bytes:
    """A regular file's bytes, not following a link (fs.read_bytes' rules and size limit)."""
    try:
        return fs.read_bytes(path)
    except FileNotFoundError:
        raise SeedError("is missing") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SeedError("is a symbolic link; links are not published") from None
        raise SeedError(f"cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise SeedError(str(exc)) from None


def _check(data: bytes, sha256: str) -> None:
    found = hashlib.sha256(data).hexdigest()
    if found != sha256:
        raise SeedError(f"has changed: its SHA-256 is {found}, the page says {sha256}")


def make_folder(path: str) -> bool:
    """Create a document's folder (and its parents); True when it is new, so that nothing of an
    earlier build can be in it."""
    try:
        os.mkdir(path)
        return True
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    except FileExistsError:
        return False
    try:
        os.mkdir(path)
        return True
    except FileExistsError:
        return False


def place_original(src: str, dest: str, sha256: str, link: bool, fresh: bool,
                   checked: Callable[[os.stat_result], bool] | None = None) -> str:
    """Put the seed at dest when its bytes hash to sha256: a hard link when `link` (and the file
    system allows), else a copy; how: "linked", "copied", or "kept" (dest already is that file).
    The bytes checked are the published file's own (linked first, then read through the link),
    so a seed replaced meanwhile is never published unchecked. `fresh`: dest's folder was just
    made (nothing to replace). `checked(stat)`: whether dest, already the seed's file, is known
    to hold the checked bytes still (gen/export/record.py), so it is not read again. SeedError
    when the seed is missing, a link or differs: nothing is published and an earlier build's
    dest is removed. OSError(EXDEV …) when linking is impossible here (the caller copies from
    then on)."""
    try:
        st = None if fresh else _same_file(src, dest)
        if st is not None:
            if checked is None or not checked(st):
                _check(_read(dest), sha256)
            return "kept"
        if link:
            _link(src, dest, sha256, fresh)
            return "linked"
        _copy(src, dest, sha256, fresh)
        return "copied"
    except SeedError:
        if not fresh:
            _unlink(dest)
        raise


def _same_file(a: str, b: str) -> os.stat_result | None:
    """b's stat when a and b are the same file, else None."""
    try:
        sa, sb = os.lstat(a), os.lstat(b)
    except FileNotFoundError:
        return None
    return sb if (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino) else None


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _link(src: str, dest: str, sha256: str, fresh: bool) -> None:
    # In a new folder the link goes straight to its place (and away again if the bytes differ);
    # elsewhere beside it first, so an earlier build's file is replaced in one step.
    target = dest if fresh else _tmp(dest)
    try:
        os.link(src, target, follow_symlinks=False)
    except FileNotFoundError:
        if not os.path.lexists(src):
            raise SeedError("is missing") from None
        raise
    try:
        _check(_read(target), sha256)
        if target != dest:
            os.replace(target, dest)
    except BaseException:
        _unlink(target)
        raise


def _copy(src: str, dest: str, sha256: str, fresh: bool) -> None:
    data = _read(src)
    _check(data, sha256)
    write_file(dest, data, fresh)


def cannot_link(exc: OSError) -> bool:
    """True when a link failed because of the file system, not the file: copy from then on."""
    return exc.errno in _CANNOT_LINK


def write_file(path: str, data: bytes, fresh: bool) -> None:
    """Write a file whole: directly in a new folder, else atomically and only when it changed."""
    if fresh:
        with open(path, "xb") as f:
            f.write(data)
    elif fs.read_optional_bytes(Path(path)) != data:
        fs.write_bytes_atomic(Path(path), data)


def write_stream(path: Path, chunks: Iterable[bytes]) -> tuple[int, str]:
    """Write chunks to path atomically; (bytes written, SHA-256 of them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(str(path))
    digest = hashlib.sha256()
    size = 0
    try:
        with open(tmp, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        os.replace(tmp, path)
    finally:
        _unlink(tmp)
    return size, digest.hexdigest()


def remove_others(site_dir: Path, sub: str, keep: set[str], ours: Callable[[str], bool],
                  listed: Iterable[str] | None = None) -> list[str]:
    """Delete the files under site_dir/sub that `ours` claims by name but keep does not list
    (pages gone, originals no longer published, a stopped build's temporary files), and folders
    left empty; the site-relative paths removed, sorted. Files of other names (a docs/files/
    folder MkDocs copied) stay. `listed`: every file of ours the folder may hold (the record of
    the last build, gen/export/record.py): only those are looked at, and nothing is walked."""
    if listed is not None:
        return _remove_listed(site_dir, sub, keep, listed)
    removed = []
    top = str(site_dir / sub)
    for root, dirs, files in os.walk(top, topdown=False):
        for name in files:
            path = os.path.join(root, name)
            rel = sub + path[len(top) :].replace(os.sep, "/")
            if rel not in keep and (ours(name) or name.startswith(TMP_PREFIX)):
                os.unlink(path)
                removed.append(rel)
        for name in dirs:
            try:
                os.rmdir(os.path.join(root, name))  # only when empty
            except OSError:
                pass
    return sorted(removed)


def _remove_listed(site_dir: Path, sub: str, keep: set[str], listed: Iterable[str]) -> list[str]:
    prefix = f"{sub}/"
    names = sorted(rel[len(prefix):] for rel in set(listed) - keep if rel.startswith(prefix))
    return [f"{prefix}{name}" for name in fs.remove_listed(site_dir / sub, names)]
