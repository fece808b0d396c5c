"""Where the plugin sends pages: an index built in this process, or in a child process.

MkDocs renders pages on one core; indexing them in a child process (`python -m gen.search.sink`)
uses the second one, so the index adds little to the build's wall-clock time. Pages (URL, title,
HTML, facets) go to the child as one JSON line each on its stdin; when the build ends the child
shards and writes the index and answers with its statistics on stdout.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
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
        sink.add(page["u"], page["t"], page["h"], facets_of(page.get("f")))
    print("gen.search.sink: input ended before `finish`", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
