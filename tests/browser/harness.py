"""Serve a built site under a sub-path and drive headless Debian chromium through Playwright.

Shared by the browser tests and bench/search.py. The server binds 127.0.0.1 on a free port, serves
`site/` under `/<prefix>/` (as GitHub Pages serves a project site) and nothing else.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parents[2]
PREFIX = "/repo-name/"


class _Handler(http.server.SimpleHTTPRequestHandler):
    prefix = PREFIX
    protocol_version = "HTTP/1.1"  # keep-alive, as real hosts do
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for the
    # client's delayed ACK (40 ms on Linux), which real hosts do not do to their readers.
    disable_nagle_algorithm = True

    def translate_path(self, path):
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if not clean.startswith(self.prefix):
            return os.path.join(self.directory, ".outside-the-prefix", "missing")  # a 404
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, format, *args):  # keep test output clean
        pass


@contextmanager
def serve(site: Path, prefix: str = PREFIX):
    """Yield the base URL of `site` served under `prefix` by a threaded server on 127.0.0.1."""
    handler = functools.partial(type("Handler", (_Handler,), {"prefix": prefix}), directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def serve_process(site: Path, prefix: str = PREFIX):
    """Like serve(), but in a child process, so a busy test process cannot slow the responses."""
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__)), str(site), prefix], stdout=subprocess.PIPE, text=True
    )
    try:
        yield child.stdout.readline().strip()
    finally:
        child.terminate()
        child.wait()


def chromium_available() -> str | None:
    """None when the browser tests can run, else why not."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@contextmanager
def browser():
    """A headless chromium browser (Playwright, Debian's binary)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def build_site(seeds: Path, work: Path) -> Path:
    """Generate docs from `seeds` and build the site in `work` (copies of mkdocs.yml, overrides/)."""
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", work / "overrides", dirs_exist_ok=True)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    run = functools.partial(subprocess.run, cwd=work, env=env, capture_output=True, text=True)
    gen = run([sys.executable, "-m", "gen", "build", "--seeds", str(seeds), "--docs", "docs", "--report", "build/report.json"])
    if gen.returncode not in (0, 1):
        raise RuntimeError(f"gen build failed:\n{gen.stdout}\n{gen.stderr}")
    mk = run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"])
    if mk.returncode != 0:
        raise RuntimeError(f"mkdocs build failed:\n{mk.stdout}\n{mk.stderr}")
    return work / "site"


EVAL_SCRIPT = """
async ([worker, queries]) => {
  const w = new Worker(worker)
  let next = 0
  const ask = q => new Promise((resolve, reject) => {
    const id = ++next
    const listen = ev => {
      if (ev.data.type === "archive-search:evaluated" && ev.data.id === id) {
        w.removeEventListener("message", listen)
        ev.data.error ? reject(new Error(ev.data.error)) : resolve(ev.data.data)
      }
    }
    w.addEventListener("message", listen)
    w.postMessage({ type: "archive-search:eval", id, data: q })
  })
  const out = []
  for (const q of queries) out.push(await ask(q))
  w.terminate()
  return out
}
"""


def evaluate(page, queries: list[str]) -> list[dict]:
    """Full result sets (page ids in rank order) of queries, from a fresh worker in `page`."""
    worker = page.evaluate("() => JSON.parse(document.getElementById('__config').textContent).search")
    worker = page.evaluate("w => new URL(w, location.href).href", worker)
    return page.evaluate(EVAL_SCRIPT, [worker, queries])


def page_urls(site: Path) -> list[str]:
    """Page id → page URL (site-relative), read from the index's page store."""
    import json
    import zlib

    stub = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    config = stub["config"]["archive"]
    base = site / "search" / config["build"] / "p"
    return [json.loads(zlib.decompress((base / f"{pid}.z").read_bytes()))["u"] for pid in range(config["pages"])]


if __name__ == "__main__":  # serve_process(): serve until terminated, after printing the URL
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with serve(Path(sys.argv[1]), sys.argv[2]) as url:
        print(url, flush=True)
        threading.Event().wait()


# --- colours, for checks of what the reader sees in the light and the dark palette ----------------

MATERIAL_CSS = Path(__import__("material").__file__).parent / "templates" / "assets" / "stylesheets"


def material_page(block: str, scheme: str) -> str:
    """A page holding `block` in Material's content area, with Material's own stylesheets, in one palette."""
    css = "".join(f'<link rel="stylesheet" href="{p.as_uri()}">' for p in sorted(MATERIAL_CSS.glob("*.min.css")))
    return (f'<!doctype html><html lang="zh" dir="ltr"><head><meta charset="utf-8">{css}</head>'
            f'<body data-md-color-scheme="{scheme}" data-md-color-primary="indigo" data-md-color-accent="indigo">'
            f'<div class="md-content"><article class="md-content__inner md-typeset">{block}</article></div></body></html>')


def rgb(css: str, under: tuple[float, ...] = (255, 255, 255), opacity: float = 1.0) -> tuple[float, ...]:
    """An rgb()/rgba() colour as seen over `under`, at `opacity`."""
    r, g, b, *alpha = (float(v) for v in re.findall(r"[\d.]+", css))
    a = (alpha[0] if alpha else 1.0) * opacity
    return tuple(a * c + (1 - a) * u for c, u in zip((r, g, b), under))


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """WCAG contrast ratio of two sRGB colours."""
    def luminance(colour):
        c = [(v / 255 / 12.92) if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in colour[:3]]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
