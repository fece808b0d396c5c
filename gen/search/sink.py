"""Where the plugin sends pages: an index built in this process, or in a child process.

MkDocs renders pages on one core; indexing them in a child process (`python -m gen.search.sink`)
uses the second one, so the index adds little to the build's wall-clock time. Pages (URL, title,
HTML, facets) go to the child as one JSON line each on its stdin; a page whose HTML is kept in a
file (HtmlPart: the archive's rendered-page store) goes as the file, span and digest, and the child
reads it only when its segment is indexed. A thread of the build writes the lines, so the build never waits for a child that is behind;
when the build ends the child shards and writes the index and answers with its statistics on
stdout.

Given a folder (`--segments DIR`, build/cache/search-segments/), a sink indexes its pages segment by
segment and keeps each segment's builder there (gen/search/segments.py): the next build indexes
only the segments whose pages changed. Every sink answers with the digests of the segments it used,
so the caller can sweep the others once the index is written.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import queue
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from gen.fs import write_bytes_atomic
from gen.search.extract import extract_sections
from gen.search.facets import Facets, facets_of
from gen.search.fold import fold_table
from gen.search.index import IndexBuilder, Limits, Mark, Stats, write_built
from gen.search.segments import SEGMENT, Html, HtmlPart, Known, Page, Report, SearchBuildError, Segmenter, ends_segment, load_segment


@dataclass(frozen=True)
class Finished:
    """What a sink's `finish` answers: the index's statistics, the seconds spent indexing and
    writing, and the segments used (none without a segment folder)."""

    stats: Stats
    seconds: float
    segments: Report = Report()
    ahead: tuple[Report, ...] = ()  # per indexing process, its segments and the builders it was given (see read_ahead)


# Beside the segment folder: the digests of the index files last written (`mkdocs serve` keeps its
# own, gen.config.cache_name).
FILES = "search-files.pickle"
# Beside it: the kept builders each indexing process was given in the last build, in order, for
# the next build to read ahead (LocalSink.read_ahead); `mkdocs serve` keeps its own.
AHEAD = "search-ahead.json"
AHEAD_FORMAT = 1


def save_plan(path: Path, ahead: tuple[Report, ...]) -> None:
    """Keep what each indexing process was given, and the salt of its digests (a plan that cannot
    be written only costs the next build the reading ahead)."""
    processes = [{"salt": report.salt, "given": [list(g) for g in report.given]} for report in ahead]
    try:
        write_bytes_atomic(path, json.dumps({"format": AHEAD_FORMAT, "processes": processes}).encode())
    except OSError:
        pass


def plan_of(path: Path, process: int, salt: str) -> list[tuple[str, int]]:
    """The builders the indexing process `process` was given in the last build, when their digests
    were made with this salt (other code, fold table or Python made builders this code may not
    read); none when there is no such plan or it cannot be read."""
    try:
        data = json.loads(path.read_bytes())
        if data.get("format") != AHEAD_FORMAT or data["processes"][process]["salt"] != salt:
            return []
        return [(str(d), int(n)) for d, n in data["processes"][process]["given"]]
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return []


class LocalSink:
    """Index pages in this process (segment by segment, kept in `segments`, when given a folder)."""

    def __init__(self, limits: Limits, results: int, segments: Path | None = None, every: int = SEGMENT,
                 kept: str = FILES):
        self.limits, self.results, self.kept = limits, results, kept
        self.fold = fold = fold_table()
        self.builder = IndexBuilder(fold)
        self.segmenter = Segmenter(segments, fold, every, known=self._known) if segments is not None else None
        self.seconds = 0.0
        # Builders read ahead and joined, not yet confirmed by the stream: their digest, and the
        # builder's mark before each was joined (None: the builder was empty).
        self.ahead: deque[tuple[str, Mark | None]] = deque()

    def read_ahead(self, plan: list[tuple[str, int]], stop: Callable[[], bool] = lambda: False) -> int:
        """Join the kept builders of `plan` (what this stream was given last time, in order) before
        their pages come: a build's first seconds, spent on MkDocs' files and the index pages,
        leave a core idle. Each is confirmed when the stream reaches a builder of that digest in
        that place (its file is then not read again); at the first that is not, the builder goes
        back to where it stood before it (IndexBuilder.rollback), so the index is the same as if
        nothing was read ahead. Stops at the first file that cannot be used, or once `stop()` (the
        pages have started to come); how many were joined."""
        if self.segmenter is None:
            return 0
        started = time.perf_counter()
        for digest, pages in plan:
            if stop():
                break
            part = load_segment(self.segmenter.folder, digest, pages)
            if part is None:
                break
            mark = self.builder.mark() if self.builder.stats.pages else None
            self._join(part)
            self.ahead.append((digest, mark))
        self.seconds += time.perf_counter() - started
        return len(self.ahead)

    def _known(self, digest: str) -> bool:
        return bool(self.ahead) and self.ahead[0][0] == digest

    def _unread(self) -> None:
        """Take out the builders read ahead that the stream did not confirm."""
        if self.ahead:
            mark = self.ahead[0][1]
            if mark is None:
                self.builder = IndexBuilder(self.fold)
            else:
                self.builder.rollback(mark)
            self.ahead.clear()

    def add(self, url: str, title: str, html: Html, facets: Facets = Facets()) -> None:
        started = time.perf_counter()
        if self.segmenter is None:
            self.builder.add_page(url, title, extract_sections(html.read() if isinstance(html, HtmlPart) else html, title), facets)
        else:  # a page kept in a file is read only if its segment is indexed
            self._take(self.segmenter.add(Page(url, title, html, facets)))
        self.seconds += time.perf_counter() - started

    def _take(self, done: list[IndexBuilder | Known]) -> None:
        for builder in done:
            if isinstance(builder, Known):  # joined already (read ahead): confirmed
                self.ahead.popleft()
                continue
            self._unread()
            self._join(builder)

    def _join(self, builder: IndexBuilder) -> None:
        # The first builder is the index so far as it is; the others join it.
        if self.builder.stats.pages == 0:
            self.builder = builder
        else:
            self.builder.absorb(builder)

    def flush(self) -> None:
        """Index the pages of the group under way (the stream ends, or another builder's pages follow)."""
        if self.segmenter is not None:
            started = time.perf_counter()
            self._take(self.segmenter.close())
            self._unread()  # read ahead for pages that did not come
            self.seconds += time.perf_counter() - started

    def absorb(self, other: IndexBuilder) -> None:
        """Take another builder's pages after every page added here."""
        self.flush()
        started = time.perf_counter()
        self.builder.absorb(other)
        self.seconds += time.perf_counter() - started

    def report(self) -> Report:
        """The segments used so far."""
        return self.segmenter.report() if self.segmenter is not None else Report()

    def finish(self, root: Path, in_place: bool = False) -> Finished:
        """Write the index under root (site/search; `in_place`: see index._write); its statistics,
        the seconds spent, the segments used."""
        self.flush()
        started = time.perf_counter()
        kept = self.segmenter.folder.parent / self.kept if self.segmenter is not None else None
        stats = write_built(root, self.builder, self.limits, self.results, kept, in_place)
        report = self.report()
        return Finished(stats, self.seconds + time.perf_counter() - started, report, (report,))

    def abort(self) -> None:
        pass


BATCH = 64  # lines handed to a child's writer thread at once


class ChildSink:
    """Index pages in a child process fed through a pipe, by a thread of this process (add never
    waits for the child)."""

    def __init__(self, limits: Limits, results: int, segments: Path | None = None, every: int = SEGMENT,
                 kept: str = FILES, ahead: tuple[Path, int] | None = None):
        args = [sys.executable, "-m", "gen.search.sink", "--results", str(results),
                "--bucket-bytes", str(limits.bucket_bytes), "--big-bytes", str(limits.big_bytes)]
        if segments is not None:
            args += ["--segments", str(segments), "--segment-pages", str(every), "--kept", kept]
            if ahead is not None:  # the plan and which of its processes this is
                args += ["--ahead", str(ahead[0]), "--process", str(ahead[1])]
        self.child = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
        # Lines for the child, handed to the writer BATCH at a time (each hand-over wakes a thread),
        # with whether to flush after; None closes its stdin.
        self.batch: list[str] = []
        self.lines: queue.SimpleQueue[tuple[str, bool] | None] = queue.SimpleQueue()
        self.error: Exception | None = None
        self.writer = threading.Thread(target=self._feed, daemon=True, name="search-feed")
        self.writer.start()

    def _feed(self) -> None:
        stdin = self.child.stdin
        try:
            while (item := self.lines.get()) is not None:
                line, flush = item
                stdin.write(line)
                if flush:
                    stdin.flush()
        except Exception as exc:  # the child stopped (its error is on stderr), or a line could not be written: add() says so
            self.error = exc
        finally:
            try:
                stdin.close()  # the child sees its input end, whatever happened here
            except OSError:
                pass

    def add(self, url: str, title: str, html: Html, facets: Facets = Facets()) -> None:
        line = {"u": url, "t": title, "f": facets.to_json()}
        if isinstance(html, HtmlPart):
            line["r"] = [html.path, html.start, html.end, html.digest]
        else:
            line["h"] = html
        self._command(line)

    def finish(self, root: Path, in_place: bool = False) -> Finished:
        answer = self._last({"finish": str(root), "in_place": in_place})
        report = Report.from_json(answer["segments"])
        return Finished(Stats(**answer["stats"]), answer["seconds"], report, (report,))

    def abort(self) -> None:
        if self.child.poll() is None:
            self.child.kill()
            self.child.wait()
        self.lines.put(None)

    def flush(self) -> None:
        """Have the child index the pages of the group under way now (it goes on reading after)."""
        self._command({"flush": True}, now=True)

    def _command(self, command: dict, now: bool = False) -> None:
        if self.error is not None:
            raise SearchBuildError(f"the search indexer could not be sent the pages ({self.error}; "
                                   f"its exit status: {self.child.poll()})") from self.error
        self.batch.append(json.dumps(command, ensure_ascii=False) + "\n")
        if now or len(self.batch) >= BATCH:
            self._hand_over(now)

    def _hand_over(self, flush: bool = False) -> None:
        if self.batch:
            self.lines.put(("".join(self.batch), flush))
            self.batch = []

    def _last(self, command: dict) -> dict:
        """Send the child its last command and wait for it to end; its answer. A child that failed
        has printed its error already (stderr is the build's)."""
        self.batch.append(json.dumps(command) + "\n")
        self._hand_over()
        self.lines.put(None)
        out = self.child.stdout.read()
        self.writer.join()
        if self.child.wait() != 0:
            raise SearchBuildError(f"the search indexer failed (exit status {self.child.returncode}); its error is above")
        return json.loads(out)

    def dump(self, path: str) -> Report:
        """Have the child index what it was sent, keep its builder in `path` and stop; the segments it used."""
        return Report.from_json(self._last({"dump": path})["segments"])

    def absorb(self, path: str) -> None:
        """Have the child take the pages of the builder kept in `path` after its own."""
        self._command({"absorb": path})


class SplitSink:
    """Index pages in two child processes, the first half of the pages in one and the rest in the
    other, joined at the end (IndexBuilder.absorb): the index is the same as one child's, made on
    two cores. Until told how many pages come (`expect`), every page goes to the first.

    With a segment folder the second half starts after the first page past the middle that ends a
    segment: the halves then meet where two segments meet, and a page added or removed moves the
    middle without changing the segments on either side of it."""

    def __init__(self, limits: Limits, results: int, segments: Path | None = None, every: int = SEGMENT,
                 kept: str = FILES, ahead: Path | None = None):
        self.first = ChildSink(limits, results, segments, every, kept, (ahead, 0) if ahead is not None else None)
        self.second = ChildSink(limits, results, segments, every, kept, (ahead, 1) if ahead is not None else None)
        self.every = every if segments is not None else None
        self.sent = 0
        self.split: int | None = None
        self.switched = False  # the second child takes the pages from now on
        self.halves = False  # the second child has pages

    def expect(self, more: int) -> None:
        """`more` pages come next: the second half of them goes to the second child."""
        self.split = self.sent + (more + 1) // 2

    def add(self, url: str, title: str, html: Html, facets: Facets = Facets()) -> None:
        past = self.split is not None and self.sent >= self.split
        if self.switched or (past and self.every is None):
            self.second.add(url, title, html, facets)
            self.switched = self.halves = True
        else:
            self.first.add(url, title, html, facets)
            if past and self.every is not None and ends_segment(url, self.every):
                self.switched = True  # this page ends the first half's last segment
        self.sent += 1

    def finish(self, root: Path, in_place: bool = False) -> Finished:
        if not self.halves:
            self.second.abort()
            return self.first.finish(root, in_place)
        fd, kept = tempfile.mkstemp(prefix="gen-search-", suffix=".pickle")
        os.close(fd)
        try:
            self.first.flush()  # the first child indexes its last pages while the second keeps its builder
            theirs = self.second.dump(kept)
            self.first.absorb(kept)
            done = self.first.finish(root, in_place)
        finally:
            os.unlink(kept)
        return replace(done, segments=done.segments.joined(theirs), ahead=(done.segments, theirs))

    def abort(self) -> None:
        self.first.abort()
        self.second.abort()


def main(argv: list[str] | None = None) -> int:
    """The child: read pages from stdin until `finish`, write the index, print statistics."""
    parser = argparse.ArgumentParser(prog="python -m gen.search.sink")
    parser.add_argument("--results", type=int, default=10)
    parser.add_argument("--bucket-bytes", type=int, default=Limits.bucket_bytes)
    parser.add_argument("--big-bytes", type=int, default=Limits.big_bytes)
    parser.add_argument("--segments", type=Path, default=None, help="keep each segment's index in this folder")
    parser.add_argument("--segment-pages", type=int, default=SEGMENT)
    parser.add_argument("--kept", default=FILES, help="the file beside the segment folder that keeps the digests of the index files written")
    parser.add_argument("--ahead", type=Path, default=None, help="read ahead the kept builders this plan names (save_plan)")
    parser.add_argument("--process", type=int, default=0, help="which of the plan's indexing processes this is")
    args = parser.parse_args(argv)
    sink = LocalSink(Limits(args.bucket_bytes, args.big_bytes), args.results, args.segments, args.segment_pages, args.kept)
    if args.ahead is not None and sink.segmenter is not None:  # until the first page comes
        plan = plan_of(args.ahead, args.process, sink.segmenter.salt.hex())
        sink.read_ahead(plan, lambda: _waiting(sys.stdin.fileno()))
    stdin = open(sys.stdin.fileno(), encoding="utf-8", closefd=False)
    try:
        for line in stdin:
            page = json.loads(line)
            if "finish" in page:
                done = sink.finish(Path(page["finish"]), bool(page.get("in_place")))
                print(json.dumps({"stats": asdict(done.stats), "seconds": done.seconds, "segments": done.segments.to_json()}))
                return 0
            if "dump" in page:  # the second half's builder, for the first child to absorb (SplitSink)
                sink.flush()
                with open(page["dump"], "wb") as f:  # streamed: half the index is never held twice
                    pickle.dump(sink.builder, f, protocol=pickle.HIGHEST_PROTOCOL)
                print(json.dumps({"segments": sink.report().to_json()}))
                return 0
            if "flush" in page:
                sink.flush()
                continue
            if "absorb" in page:
                with open(page["absorb"], "rb") as f:
                    sink.absorb(pickle.load(f))
                continue
            sink.add(page["u"], page["t"], page["h"] if "h" in page else HtmlPart(*page["r"]), facets_of(page.get("f")))
    except SearchBuildError as exc:  # a page's HTML could not be read (when its segment was indexed)
        print(f"gen.search.sink: {exc}", file=sys.stderr)
        return 1
    print("gen.search.sink: input ended before `finish`", file=sys.stderr)
    return 1


def _waiting(fd: int) -> bool:
    """Whether input waits to be read on fd (nothing of it read yet)."""
    try:
        return bool(select.select([fd], [], [], 0)[0])
    except (OSError, ValueError):
        return True


if __name__ == "__main__":
    sys.exit(main())
