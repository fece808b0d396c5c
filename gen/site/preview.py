"""`mkdocs serve`: a saved document page is rendered and shown at once, the rebuild follows.

MkDocs answers every saved file with a rebuild of the whole site, which walks every page, and
holds every request until it is done: at 100,000 documents an editor would wait most of a minute
to see a corrected comma. Here the server's watch on docs/ is taken over. A saved document
page that the last build rendered is rendered by itself with that build's shell and links
(gen/site/), put in place, and the browsers showing the site reload; the rebuild that brings the
index pages, search, feeds and exports up to date starts once the editor has paused (QUIET
seconds without another save). Any other change (a new or deleted page, the state, an index
page of the editor's) goes straight to the rebuild, as before.

It leans on parts of MkDocs' LiveReloadServer that plugins are not promised: its watchdog
observer, and the conditions its build loop and its browsers wait on. Where they are missing the
server is left as it is (every save a rebuild).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gen.site import page as page_mod
from gen.site.markup import Converter, dest_of
from gen.site.page import Source
from gen.site.publish import Job, page_key
from gen.site.store import place

log = logging.getLogger("mkdocs.plugins.gen")

QUIET = 2.0  # seconds without a save before the rebuild starts
# What watchdog also reports that changes nothing: an editor opening a page (or reading it) must
# not start a rebuild, which holds every request until it is done.
_NOT_CHANGES = ("opened", "closed_no_write")
_NEEDED = ("observer", "unwatch", "_watched_paths", "_rebuild_cond", "_epoch_cond", "_visible_epoch", "_wanted_epoch")


@dataclass(frozen=True)
class LastBuild:
    """What the last build rendered its pages with."""

    job: Job
    site_dir: Path
    docs_dir: Path
    use_directory_urls: bool
    documents: dict[str, tuple[str | None, tuple[str, ...]]]  # editable page -> (its top navigation entry, its tags)


def render_one(last: LastBuild, path: Path) -> str | None:
    """Render one saved document page into the site; its docs-relative path, or None when it is not
    a page of the archive the last build knew, or cannot be read (the rebuild then reports it)."""
    try:
        src_uri = path.resolve().relative_to(last.docs_dir.resolve()).as_posix()
    except (OSError, ValueError):
        return None
    job = last.job
    if src_uri not in last.documents:
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    tab, tags = last.documents[src_uri]
    src = Source(src_uri, job.pages[src_uri], text, True, tab)
    key = page_key(job, src, tags)
    rendered = page_mod.render(src, job.shell, Converter(job.extensions, job.configs, job.pages), job.tag_urls, job.extras)
    job.store.put(key, rendered.html.encode("utf-8"))
    place(job.store.path(key), last.site_dir / dest_of(src_uri, last.use_directory_urls))
    return src_uri


class Preview:
    """The server's watch on docs/, with the quick way for saved document pages."""

    def __init__(self, server, last: Callable[[], LastBuild | None], quiet: float = QUIET):
        self.server = server
        self.last = last
        self.quiet = quiet
        self.lock = threading.Lock()  # one page rendered at a time
        self.timer: threading.Timer | None = None
        self.observer = None  # the system's file notifications for docs/, when they work

    @classmethod
    def install(cls, server, docs_dir: str, last: Callable[[], LastBuild | None]) -> Preview | None:
        """Take over the server's watch on docs/; None, and nothing changed, where the server is
        not the one expected."""
        path = os.path.abspath(docs_dir)
        if not all(hasattr(server, name) for name in _NEEDED) or path not in server._watched_paths:
            return None
        import watchdog.events

        import watchdog.observers

        preview = cls(server, last)
        server.unwatch(path)
        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = preview.changed  # type: ignore[method-assign]
        # The server's observer polls: every half second it lists and stats every file under
        # docs/, which at 100,000 pages takes seconds, so a save was noticed 7 s late. The
        # system's own notifications (inotify, FSEvents …) where they work, else the server's.
        try:
            native = watchdog.observers.Observer()
            native.daemon = True
            native.schedule(handler, path, recursive=True)
            native.start()
            preview.observer = native
        except Exception as exc:  # e.g. no inotify watches left, or a file system without notifications
            log.info("archive: watching docs/ by polling (%s)", exc)
            server.observer.schedule(handler, path, recursive=True)
        return preview

    def stop(self) -> None:
        """Stop the observer of docs/ this preview started (at the end of `mkdocs serve`)."""
        if self.observer is not None:
            self.observer.stop()
            self.observer = None

    def changed(self, event) -> None:
        """A file under docs/ changed: show a saved document page at once and rebuild after a pause,
        or rebuild now."""
        if event.is_directory or event.event_type in _NOT_CHANGES:
            return
        if event.event_type not in ("modified", "created", "moved", "closed"):
            self._rebuild()
            return
        started = time.perf_counter()
        target = Path(getattr(event, "dest_path", "") or event.src_path)
        if target.name.startswith(".gen-"):  # the generator's temporary and set-aside files
            return
        last = self.last()
        shown = None
        if last is not None:
            try:
                with self.lock:
                    shown = render_one(last, target)
            except Exception as exc:  # the rebuild renders it again and reports what is wrong
                log.debug("archive: %s could not be shown before the rebuild: %s", target, exc)
        if shown is None:
            self._rebuild()
            return
        log.info("archive: %s shown in %.2f s; the rest of the site follows after a pause", shown, time.perf_counter() - started)
        self._reload()
        self._rebuild_later()

    def _reload(self) -> None:
        """Browsers showing the site reload, unless a rebuild is running (its end reloads them)."""
        with self.server._rebuild_cond, self.server._epoch_cond:
            if self.server._visible_epoch != self.server._wanted_epoch:
                return
            now = max(round(time.monotonic() * 1000), self.server._visible_epoch + 1)
            self.server._wanted_epoch = self.server._visible_epoch = now
            self.server._epoch_cond.notify_all()

    def _rebuild_later(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.timer = threading.Timer(self.quiet, self._rebuild)
        self.timer.daemon = True
        self.timer.start()

    def _rebuild(self) -> None:
        """Ask the server's build loop for a rebuild (what its own watch does)."""
        with self.server._rebuild_cond:
            self.server._want_rebuild = True
            self.server._rebuild_cond.notify_all()
