"""Search benchmark: build time, index size, bytes transferred and latency in headless chromium.

    .venv/bin/python bench/search.py            # all of ../shared/corpus (about 10,000 documents)
    .venv/bin/python bench/search.py --quick    # 1,000 documents and fewer queries (< 2 minutes)
    .venv/bin/python bench/search.py --site DIR # a site built already (bench/scale.py --search)

Builds a site from the corpus in a temporary folder (gen build, then mkdocs build twice: with the
search plugin and with it disabled, to measure what indexing adds), serves it under /repo-name/ on
127.0.0.1 and types queries into the real search box of a fresh browser (empty cache): the first
query of a visit and the later ones are measured separately. Transfer = bytes of every response
the search causes (worker, stub, index shards, facet table, page store), bodies and headers;
latency = from the input event that ends the typing to the first results in the list (or the line
saying nothing was found), reported for the first query of a visit and for later ones as well as
together, and for the queries with filters or a sort order apart.

Then, for queries with many results, the result list is scrolled a screen at a time (the height
of the list's window), as a reader scrolls: bytes per further screen and the time until its
results are filled in. One query is scrolled to its end to count the results that can be reached.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from harness import browser, chromium_available, serve_process  # noqa: E402
from searchbox import PENDING, scroll_to_end  # noqa: E402  (as the browser tests scroll)

CORPUS = REPO.parent / "shared" / "corpus"
SOURCES = {"cctv-xwlb": "items", "dxy-news": "docs"}

# Reader-like queries, and filters and sort orders (measured as later queries): bench/queries.json,
# which bench/worker.mjs reads too.
_QUERY_SETS = json.loads((Path(__file__).with_name("queries.json")).read_text(encoding="utf-8"))
QUERIES, FILTER_QUERIES = _QUERY_SETS["queries"], _QUERY_SETS["filters"]
QUICK_QUERIES = QUERIES[:20]
# Scrolled a screen at a time (SCREENS screens each); the last one to its end.
SCROLL_QUERIES = ["疫情", "核酸检测", "北京 年:2020", "通报"]
SCREENS = 12

# "Shown" is the first change of the result list or count line that shows this query's answer:
# results in the list, or the line saying nothing was found. Clearing the box for the next query
# also changes them, so that is not counted.
MEASURE = """
([none]) => {
  const input = document.querySelector('.md-search__input')
  const list = document.querySelector('.md-search-result__list')
  const meta = document.querySelector('.md-search-result__meta')
  window.__bench = { typed: 0, shown: 0 }
  input.addEventListener('input', () => { window.__bench.typed = performance.now(); window.__bench.shown = 0 }, true)
  // The count line says "none" for this query only once it changed after typing: after a query
  // with no results it still says so when the list first changes for the next one.
  const seen = (fromMeta) => {
    const answered = list.children.length > 0 || (fromMeta && meta.textContent === none)
    if (window.__bench.typed && !window.__bench.shown && input.value && answered)
      window.__bench.shown = performance.now()
  }
  new MutationObserver(() => seen(false)).observe(list, { childList: true })
  new MutationObserver(() => seen(true)).observe(meta, { childList: true, characterData: true, subtree: true })
}
"""


def make_seeds(seeds: Path, limit: int | None) -> int:
    """Copy the corpus (or its first `limit` documents, spread over both sources) into seeds/."""
    count = 0
    for source, folder in SOURCES.items():
        with open(CORPUS / source / "index.csv", encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            rows, header = list(reader), reader.fieldnames
        if limit:
            rows = rows[:: max(1, len(rows) * 2 // limit)][: limit // 2]
        for row in rows:
            target = seeds / source / row["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(CORPUS / source / row["file"], target)
        with open(seeds / source / "index.csv", "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
        count += len(rows)
    return count


def run(args: list[str], cwd: Path) -> float:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1) or (args[2] == "mkdocs" and done.returncode):
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def build(work: Path, repeat: int) -> dict:
    """gen build, then mkdocs build with the search disabled and enabled (best of `repeat`)."""
    shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", work / "overrides", dirs_exist_ok=True)
    text = (work / "mkdocs.yml").read_text(encoding="utf-8")
    if "  - archive-search\n" not in text:
        raise SystemExit("mkdocs.yml does not list `- archive-search` under plugins")
    (work / "mkdocs-off.yml").write_text(text.replace("  - archive-search\n", "  - archive-search:\n      enabled: false\n"), encoding="utf-8")
    py = sys.executable
    gen = run([py, "-m", "gen", "build", "--seeds", "seeds", "--docs", "docs", "--report", "build/report.json"], work)
    on, off = [], []
    for _ in range(repeat):
        off.append(run([py, "-m", "mkdocs", "build", "-q", "-f", "mkdocs-off.yml", "-d", "site-off"], work))
        on.append(run([py, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.yml", "-d", "site"], work))
    shutil.rmtree(work / "site-off", ignore_errors=True)
    return {"gen": gen, "on": min(on), "off": min(off)}


def index_size(site: Path) -> dict:
    stub = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    root = site / "search" / stub["config"]["archive"]["build"]
    sizes = {"postings": 0, "store": 0, "other": 0, "files": 0, "facets": 0}
    for path in root.rglob("*"):
        if path.is_file():
            kind = {"b": "postings", "k": "postings", "p": "store"}.get(path.relative_to(root).parts[0], "other")
            sizes[kind] += path.stat().st_size
            sizes["files"] += 1
            if path.name == "f.z":
                sizes["facets"] = path.stat().st_size
    return sizes


def text_bytes(site: Path) -> int:
    """UTF-8 bytes of the indexed text (what the reader sees), from the page store."""
    stub = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    root = site / "search" / stub["config"]["archive"]["build"] / "p"
    total = 0
    for path in root.iterdir():
        page = json.loads(zlib.decompress(path.read_bytes()))
        total += sum(len(b.encode()) for b in page["b"]) + len(page.get("t", "").encode())
        total += sum(len(h.encode()) for _, h in page.get("s", []))
    return total


def no_results(page) -> str:
    """The count line's text when nothing is found, in the site's language (Material's translation)."""
    return page.evaluate("() => JSON.parse(document.getElementById('__config').textContent).translations['search.result.none']")


def type_query(page, query: str, timeout: float = 10.0) -> float:
    """Type a query into the box; return ms from the end of typing to the results being shown."""
    page.fill(".md-search__input", "")
    page.wait_for_function("() => !document.querySelector('.md-search-result__list').children.length")
    page.evaluate("() => { window.__bench.typed = 0; window.__bench.shown = 0 }")
    page.keyboard.insert_text(query)
    page.wait_for_function("() => window.__bench.shown > 0", timeout=timeout * 1000, polling="raf")
    page.wait_for_timeout(30)
    got = page.evaluate("() => window.__bench")
    return got["shown"] - got["typed"]


def warm_host(site: Path, b, base: str) -> None:
    """Make the local host behave like a published one before measuring: the site's search files
    read once (a CDN serves them from memory; this VM's disk cache drops files nobody has read
    yet) and one visit that types nothing (the browser's and the server's own start-up). Every
    measured visit still starts with an empty browser cache and a new search worker."""
    for path in (site / "search").rglob("*"):
        if path.is_file():
            path.read_bytes()
    context = b.new_context()
    page = context.new_page()
    page.goto(base)
    page.wait_for_load_state("networkidle")
    context.close()


SCROLL = """([px]) => { const w = document.querySelector('.md-search__scrollwrap'); w.scrollTop += px;
  return [w.scrollTop, document.querySelectorAll('.md-search-result__item').length] }"""
FILLED = f"() => !document.querySelector('.md-search-result__list a[href*=\"{PENDING}\"]')"


def count_line(page) -> int:
    digits = "".join(ch for ch in page.inner_text(".md-search-result__meta") if ch.isdigit())
    return int(digits) if digits else 0


def scroll_screen(page) -> float | None:
    """Scroll down by the height of the list's window, in wheel-sized steps (Material renders
    more results each time the end is reached), then wait until the results are filled in; ms
    from the last step to that (None when the list had already ended)."""
    height = page.evaluate("() => document.querySelector('.md-search__scrollwrap').clientHeight")
    start, _ = page.evaluate(SCROLL, [0])
    top = start
    for _ in range(200):
        before = top
        top, _ = page.evaluate(SCROLL, [120])
        page.wait_for_timeout(16)  # a frame: the scroll event, Material's next four results
        if top - start >= height or (top == before and page.evaluate(SCROLL, [0])[0] == top):
            break
    stopped = time.perf_counter()
    page.wait_for_function(FILLED, timeout=10000, polling="raf")
    return (time.perf_counter() - stopped) * 1000 if top > start else None


def browse(site: Path, queries: list[str], visits: int, scroll: list[str]) -> dict:
    """Fresh visits (empty cache): the first query of each, then the others in the last visit,
    then the scrolling."""
    first_bytes, later_bytes, latency, screens, totals, reach = [], [], [], [], {}, None
    with serve_process(site) as base, browser() as b:
        warm_host(site, b, base)
        sequences = [queries[i:] + queries[:i] for i in range(visits)]
        for n, sequence in enumerate(sequences):
            context = b.new_context()
            page = context.new_page()
            sizes: list[int] = []
            pending: set = set()

            def searching(request) -> bool:
                return "/search/" in request.url or "archive-search" in request.url

            def started(request, pending=pending):
                if searching(request):
                    pending.add(request)

            def finished(request, sizes=sizes, pending=pending):
                if searching(request):
                    pending.discard(request)
                    s = request.sizes()
                    sizes.append(s["responseBodySize"] + s["responseHeadersSize"])

            def settled(page=page, pending=pending) -> None:
                """Wait until the search's requests are done: the results after the first few
                are fetched once those are shown, and count for the same query."""
                for _ in range(200):
                    page.wait_for_timeout(25)
                    if not pending:
                        return

            page.on("request", started)
            page.on("requestfinished", finished)
            page.on("requestfailed", lambda request, pending=pending: pending.discard(request))
            page.goto(base)
            page.wait_for_load_state("networkidle")
            page.click(".md-search__input")
            page.evaluate(MEASURE, [no_results(page)])
            latency.append((sequence[0], type_query(page, sequence[0]), "first"))
            settled()
            first_bytes.append((sequence[0], sum(sizes)))
            totals[sequence[0]] = count_line(page)
            if n == len(sequences) - 1:
                for query in sequence[1:] + FILTER_QUERIES:
                    sizes.clear()
                    kind = "filter" if query in FILTER_QUERIES else "later"
                    latency.append((query, type_query(page, query), kind))
                    settled()
                    later_bytes.append((query, sum(sizes)))
                    totals[query] = count_line(page)
                for k, query in enumerate(scroll):
                    type_query(page, query)
                    settled()
                    totals[query] = count_line(page)
                    for screen in range(SCREENS):
                        sizes.clear()
                        ms = scroll_screen(page)
                        if ms is None:
                            break
                        settled()
                        screens.append((query, screen + 1, sum(sizes), ms))
                    if k == len(scroll) - 1:
                        reach = (query, scroll_to_end(page, totals[query], limit=totals[query] + 100), totals[query])  # a scroll adds one result at least
            context.close()
    return {"first": first_bytes, "later": later_bytes, "latency": latency, "screens": screens,
            "totals": totals, "reach": reach}


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 documents, 20 queries, one build each")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument("--reuse", action="store_true", help="with --keep: measure the site already built there")
    parser.add_argument("--site", type=Path, help="measure this built site folder (built with archive-search); build nothing")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir() and not args.site:
        print(f"corpus not found at {CORPUS}; nothing to measure")
        return 0
    reason = chromium_available()
    if reason:
        print(f"cannot run: {reason}")
        return 1
    if args.site and not (args.site / "search" / "search_index.json").is_file():
        print(f"{args.site}: no search/search_index.json: not a built site")
        return 1
    work = args.keep or (args.site and args.site.parent) or Path(tempfile.mkdtemp(prefix="search-bench-"))
    site = args.site or work / "site"
    try:
        work.mkdir(parents=True, exist_ok=True)
        if args.site or (args.reuse and args.keep and site.is_dir()):
            docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]["archive"]["pages"]
            times = {"gen": float("nan"), "on": float("nan"), "off": float("nan")}
        else:
            shutil.rmtree(work / "seeds", ignore_errors=True)
            docs = make_seeds(work / "seeds", 1000 if args.quick else None)
            print(f"building {docs} documents in {work} …", flush=True)
            times = build(work, 1 if args.quick else 2)
        sizes = index_size(site)
        text = text_bytes(site)
        queries = QUICK_QUERIES if args.quick else QUERIES
        # The builds leave hundreds of MB for the kernel to write out; browse once that is done.
        os.sync()
        print(f"browsing: {len(queries)} queries …", flush=True)
        seen = browse(site, queries, 5 if args.quick else 10, SCROLL_QUERIES[:2] if args.quick else SCROLL_QUERIES)
    finally:
        if not args.keep and not args.site:
            shutil.rmtree(work, ignore_errors=True)

    added = (times["on"] - times["off"]) / docs * 1000
    slow = sorted(seen["latency"], key=lambda x: -x[1])[:5]
    first_ms = [ms for _, ms, kind in seen["latency"] if kind == "first"]
    later_ms = [ms for _, ms, kind in seen["latency"] if kind == "later"]
    filter_ms = [ms for _, ms, kind in seen["latency"] if kind == "filter"]
    by_query = seen["latency"]
    seen["latency"] = [ms for _, ms, _ in seen["latency"]]
    first = [b for _, b in seen["first"]]
    later = [b for _, b in seen["later"]]
    print()
    print(f"documents                       {docs}")
    if times["on"] == times["on"]:  # not NaN: this run built the site
        print(f"mkdocs build without / with     {times['off']:.1f} s / {times['on']:.1f} s   (gen build {times['gen']:.1f} s)")
        print(f"indexing adds                   {added:.2f} ms per document")
    print(f"index bytes per byte of text    {(sizes['postings'] + sizes['store'] + sizes['other']) / text:.2f} "
          f"(postings {sizes['postings'] / text:.2f}, page store {sizes['store'] / text:.2f}; {sizes['files']} files, text {text / 1e6:.1f} MB)")
    print(f"facet table (f.z)               {sizes['facets'] / 1024:.1f} KB")
    print(f"first query transfer            max {max(first) / 1024:.0f} KB, median {statistics.median(first) / 1024:.0f} KB  ({len(first)} visits)")
    print(f"later query transfer            max {max(later) / 1024:.0f} KB, median {statistics.median(later) / 1024:.0f} KB, p95 {percentile(later, 0.95) / 1024:.0f} KB  ({len(later)} queries)")
    print(f"results shown after typing      p50 {percentile(seen['latency'], 0.5):.0f} ms, p95 {percentile(seen['latency'], 0.95):.0f} ms, max {max(seen['latency']):.0f} ms")
    print(f"  first query of a visit        p50 {percentile(first_ms, 0.5):.0f} ms, max {max(first_ms):.0f} ms  ({len(first_ms)})")
    print(f"  later queries                 p50 {percentile(later_ms, 0.5):.0f} ms, p95 {percentile(later_ms, 0.95):.0f} ms  ({len(later_ms)})")
    print(f"  with filters or a sort        p50 {percentile(filter_ms, 0.5):.0f} ms, p95 {percentile(filter_ms, 0.95):.0f} ms  ({len(filter_ms)})")
    screen_bytes = [b for _, _, b, _ in seen["screens"]]
    screen_ms = [ms for _, _, _, ms in seen["screens"]]
    if screen_bytes:
        print(f"each further screen             max {max(screen_bytes) / 1024:.0f} KB, median {statistics.median(screen_bytes) / 1024:.0f} KB, "
              f"p95 {percentile(screen_bytes, 0.95) / 1024:.0f} KB  ({len(screen_bytes)} screens of {', '.join(dict.fromkeys(q for q, *_ in seen['screens']))})")
        print(f"  filled in after the scrolling p50 {percentile(screen_ms, 0.5):.0f} ms, p95 {percentile(screen_ms, 0.95):.0f} ms")
    totals = seen["totals"]
    if seen["reach"]:
        query, reached, total = seen["reach"]
        print(f"reachable by scrolling          {reached:,} of {total:,} results of {query} ({reached / max(1, total):.0%})")
    before = sum(min(10, n) for n in totals.values()) / max(1, sum(totals.values()))
    print(f"  with only the first ten shown {before:.1%} of the {sum(totals.values()):,} results of the {len(totals)} queries would be")
    print("slowest: " + ", ".join(f"{q} {ms:.0f} ms ({kind})" for q, ms, kind in slow))
    print()
    print("per query (KB transferred, later queries):")
    for query, size in sorted(seen["later"], key=lambda x: -x[1])[:10]:
        print(f"  {size / 1024:6.1f}  {query}")
    if args.json:
        figures = {
            "documents": docs, "build_s": {k: (v if v == v else None) for k, v in times.items()}, "index_bytes": sizes, "text_bytes": text,
            "first_kb_max": max(first) / 1024, "first_kb_median": statistics.median(first) / 1024,
            "later_kb_max": max(later) / 1024, "later_kb_median": statistics.median(later) / 1024,
            "later_kb_p95": percentile(later, 0.95) / 1024,
            "latency_ms_p50": percentile(seen["latency"], 0.5), "latency_ms_p95": percentile(seen["latency"], 0.95),
            "latency_ms_max": max(seen["latency"]), "first_ms_p50": percentile(first_ms, 0.5),
            "later_ms_p95": percentile(later_ms, 0.95), "filter_ms_p95": percentile(filter_ms, 0.95),
            "screen_kb_p95": percentile(screen_bytes, 0.95) / 1024 if screen_bytes else None,
            "queries": {"first": seen["first"], "later": seen["later"]},
            "latency": by_query, "results": seen["totals"],
        }
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
