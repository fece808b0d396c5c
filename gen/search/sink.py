"""Where the plugin sends pages: an index built in this process, or in a child process.

MkDocs renders pages on one core; indexing them in a child process (`python -m gen.search.sink`)
uses the second one, so the index adds little to the build's wall-clock time. Pages (URL, title,
HTML, facets) go to the child as one JSON line each on its stdin; when the build ends the child
shards and writes the index and answers with its statistics on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from gen.search.extract import extract_sections
from gen.search.facets import Facets, facets_of
from gen.search.fold import fold_table
from gen.search.index import IndexBuilder, Limits, Stats, write_index


class SearchBuildError(RuntimeError):
    """The index could not be built (the child failed)."""


class LocalSink:
    """Index pages in this process."""

    def __init__(self, limits: Limits, results: int):
        self.limits, self.results = limits, results
        self.builder = IndexBuilder(fold_table())
        self.seconds = 0.0

    def add(self, url: str, title: str, html: str, facets: Facets = Facets()) -> None:
        started = time.perf_counter()
        self.builder.add_page(url, title, extract_sections(html, title), facets)
        self.seconds += time.perf_counter() - started

    def finish(self, root: Path) -> tuple[Stats, float]:
        """Write the index under root (site/search); return its statistics and the seconds spent."""
        started = time.perf_counter()
        written = self.builder.build(self.limits, max_results=self.results)
        write_index(root, written)
        return written.stats, self.seconds + time.perf_counter() - started

    def abort(self) -> None:
        pass


class ChildSink:
    """Index pages in a child process fed through a pipe."""

    def __init__(self, limits: Limits, results: int):
        args = [sys.executable, "-m", "gen.search.sink", "--results", str(results),
                "--bucket-bytes", str(limits.bucket_bytes), "--big-bytes", str(limits.big_bytes)]
        self.child = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def add(self, url: str, title: str, html: str, facets: Facets = Facets()) -> None:
        line = {"u": url, "t": title, "h": html, "f": facets.to_json()}
        try:
            self.child.stdin.write(json.dumps(line, ensure_ascii=False) + "\n")
        except (BrokenPipeError, OSError) as exc:
            raise SearchBuildError(f"the search indexer stopped (exit status {self.child.poll()})") from exc

    def finish(self, root: Path) -> tuple[Stats, float]:
        try:
            self.child.stdin.write(json.dumps({"finish": str(root)}) + "\n")
            self.child.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        out = self.child.stdout.read()
        if self.child.wait() != 0:
            raise SearchBuildError(f"the search indexer failed (exit status {self.child.returncode}); its error is above")
        answer = json.loads(out)
        return Stats(**answer["stats"]), answer["seconds"]

    def abort(self) -> None:
        if self.child.poll() is None:
            self.child.kill()
            self.child.wait()

    def _command(self, command: dict) -> None:
        try:
            self.child.stdin.write(json.dumps(command) + "\n")
        except (BrokenPipeError, OSError) as exc:
            raise SearchBuildError(f"the search indexer stopped (exit status {self.child.poll()})") from exc

    def dump(self, path: str) -> None:
        """Have the child index what it was sent, keep its builder in `path` and stop."""
        self._command({"dump": path})
        try:
            self.child.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        self.child.stdout.read()
        if self.child.wait() != 0:
            raise SearchBuildError(f"the search indexer failed (exit status {self.child.returncode}); its error is above")

    def absorb(self, path: str) -> None:
        """Have the child take the pages of the builder kept in `path` after its own."""
        self._command({"absorb": path})


class SplitSink:
    """Index pages in two child processes, the first half of the pages in one and the rest in the
    other, joined at the end (IndexBuilder.absorb): the index is the same as one child's, made on
    two cores. Until told how many pages come (`expect`), every page goes to the first."""

    def __init__(self, limits: Limits, results: int):
        self.first = ChildSink(limits, results)
        self.second = ChildSink(limits, results)
        self.sent = 0
        self.split: int | None = None
        self.halves = False

    def expect(self, more: int) -> None:
        """`more` pages come next: the second half of them goes to the second child."""
        self.split = self.sent + (more + 1) // 2

    def add(self, url: str, title: str, html: str, facets: Facets = Facets()) -> None:
        if self.split is not None and self.sent >= self.split:
            self.second.add(url, title, html, facets)
            self.halves = True
        else:
            self.first.add(url, title, html, facets)
        self.sent += 1

    def finish(self, root: Path) -> tuple[Stats, float]:
        if not self.halves:
            self.second.abort()
            return self.first.finish(root)
        fd, kept = tempfile.mkstemp(prefix="gen-search-", suffix=".pickle")
        os.close(fd)
        try:
            self.second.dump(kept)
            self.first.absorb(kept)
            return self.first.finish(root)
        finally:
            os.unlink(kept)

    def abort(self) -> None:
        self.first.abort()
        self.second.abort()


def main(argv: list[str] | None = None) -> int:
    """The child: read pages from stdin until `finish`, write the index, print statistics."""
    parser = argparse.ArgumentParser(prog="python -m gen.search.sink")
    parser.add_argument("--results", type=int, default=10)
    parser.add_argument("--bucket-bytes", type=int, default=Limits.bucket_bytes)
    parser.add_argument("--big-bytes", type=int, default=Limits.big_bytes)
    args = parser.parse_args(argv)
    sink = LocalSink(Limits(args.bucket_bytes, args.big_bytes), args.results)
    stdin = open(sys.stdin.fileno(), encoding="utf-8", closefd=False)
    for line in stdin:
        page = json.loads(line)
        if "finish" in page:
            stats, seconds = sink.finish(Path(page["finish"]))
            print(json.dumps({"stats": asdict(stats), "seconds": seconds}))
            return 0
        if "dump" in page:  # the second half's builder, for the first child to absorb (SplitSink)
            Path(page["dump"]).write_bytes(pickle.dumps(sink.builder, protocol=pickle.HIGHEST_PROTOCOL))
            return 0
        if "absorb" in page:
            started = time.perf_counter()
            sink.builder.absorb(pickle.loads(Path(page["absorb"]).read_bytes()))
            sink.seconds += time.perf_counter() - started
            continue
        sink.add(page["u"], page["t"], page["h"], facets_of(page.get("f")))
    print("gen.search.sink: input ended before `finish`", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
