"""The export's disk access: originals hard-linked (or copied) into the site after their hash is
checked, text files and the metadata files written whole, leftovers of earlier builds removed."""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from gen import fs

# Temporary names beside their target: hidden, so nothing ever serves one, and recognisable,
# so a stopped build's are removed by the next.
TMP_PREFIX = ".export-tmp-"

# Link errors that mean "this file system (or this file) cannot be linked here": copy instead.
# EXDEV: another file system; EPERM: fs.protected_hardlinks or a file system without links;
# EMLINK: the file has too many links; ENOTSUP/EOPNOTSUPP: no link support (FAT, some mounts).
_CANNOT_LINK = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EACCES}


class SeedError(ValueError):
    """A seed that cannot be published; the message says why (the caller names page and seed)."""


def seed_path(root: Path, seed: str) -> Path:
    """The seed's file under the project root; SeedError for a path that leaves it or is hidden."""
    rel = PurePosixPath(seed)
    if rel.is_absolute() or not rel.parts or any(p in ("..", ".") or p.startswith(".") for p in rel.parts) or "\\" in seed:
        raise SeedError("is not a plain path inside the project folder")
    path = root.joinpath(*rel.parts)
    try:
        real = path.resolve()
        if not real.is_relative_to(root.resolve()):
            raise SeedError("leads outside the project folder (through a link)")
    except OSError as exc:
        raise SeedError(f"cannot be resolved ({exc.strerror})") from None
    return path


def _tmp(dest: Path) -> Path:
    return dest.with_name(f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}")


def _sha256_of(path: Path) -> str:
    """SHA-256 of a regular file's bytes, not following links (fs.read_bytes' rules and limit)."""
    try:
        return hashlib.sha256(fs.read_bytes(path)).hexdigest()
    except FileNotFoundError:
        raise SeedError("is missing") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SeedError("is a symbolic link; links are not published") from None
        raise SeedError(f"cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise SeedError(str(exc)) from None


def place_original(src: Path, dest: Path, sha256: str, link: bool) -> str:
    """Put the seed at dest when its bytes hash to sha256: a hard link when `link` and the file
    system allow, else a copy; how ("linked", "copied", or "kept": dest already is that file). The file checked is the file published (the link is made first,
    then hashed through), so a seed replaced meanwhile is never published unchecked.
    SeedError (nothing published, any earlier dest removed) when it is missing or differs;
    OSError(EXDEV …) when `link` and linking is impossible here (the caller copies from then on)."""
    try:
        try:
            before = os.lstat(dest)
            same = os.lstat(src)
            if (before.st_dev, before.st_ino) == (same.st_dev, same.st_ino) and stat.S_ISREG(before.st_mode):
                _check(dest, sha256)
                return "kept"
        except FileNotFoundError:
            pass
        if link:
            return _link(src, dest, sha256)
        return _copy(src, dest, sha256)
    except SeedError:
        dest.unlink(missing_ok=True)
        raise


def _check(path: Path, sha256: str) -> None:
    found = _sha256_of(path)
    if found != sha256:
        raise SeedError(f"has changed: its SHA-256 is {found}, the page says {sha256}")


def _link(src: Path, dest: Path, sha256: str) -> str:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(dest)
    try:
        os.link(src, tmp, follow_symlinks=False)
    except FileNotFoundError:
        if not os.path.lexists(src):
            raise SeedError("is missing") from None
        raise
    try:
        _check(tmp, sha256)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return "linked"


def _copy(src: Path, dest: Path, sha256: str) -> str:
    try:
        data = fs.read_bytes(src)
    except FileNotFoundError:
        raise SeedError("is missing") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SeedError("is a symbolic link; links are not published") from None
        raise SeedError(f"cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise SeedError(str(exc)) from None
    found = hashlib.sha256(data).hexdigest()
    if found != sha256:
        raise SeedError(f"has changed: its SHA-256 is {found}, the page says {sha256}")
    if fs.read_optional_bytes(dest) != data:
        fs.write_bytes_atomic(dest, data)
    return "copied"


def cannot_link(exc: OSError) -> bool:
    """True when a link failed because of the file system, not the file: copy from then on."""
    return exc.errno in _CANNOT_LINK


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write a file whole (atomically) unless it already holds these bytes; True when written."""
    if fs.read_optional_bytes(path) == data:
        return False
    fs.write_bytes_atomic(path, data)
    return True


def write_stream(path: Path, chunks: Iterable[bytes]) -> tuple[int, str]:
    """Write chunks to path atomically; (bytes written, SHA-256 of them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(path)
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
        tmp.unlink(missing_ok=True)
    return size, digest.hexdigest()


def remove_others(folder: Path, keep: set[str], site_dir: Path) -> list[str]:
    """Delete every file under folder whose site-relative path is not in keep (pages gone,
    originals no longer published, a stopped build's temporary files), and folders left
    empty; the site-relative paths removed, sorted."""
    removed = []
    if not folder.is_dir():
        return removed
    for root, dirs, files in os.walk(folder, topdown=False):
        for name in files:
            path = Path(root, name)
            rel = path.relative_to(site_dir).as_posix()
            if rel not in keep:
                path.unlink()
                removed.append(rel)
        for name in dirs:
            sub = Path(root, name)
            try:
                sub.rmdir()  # only when empty
            except OSError:
                pass
    return sorted(removed)
