"""A page left open while the site is rebuilt under it still searches correctly: its search worker
answers from the build it loaded while that build's files are there, and from the new build once
one is gone, never from a mix of the two (their key, bucket and page numbers differ)."""

from __future__ import annotations

import shutil

from harness import REPO, build_site, evaluate, serve

# A worker that stays up across the rebuild (harness.evaluate starts a fresh one per call).
START = """
worker => {
  window.__worker = new Worker(worker)
  window.__next = 0
  window.__ask = q => new Promise((resolve, reject) => {
    const id = ++window.__next
    const listen = ev => {
      if (ev.data.type === "archive-search:evaluated" && ev.data.id === id) {
        window.__worker.removeEventListener("message", listen)
        ev.data.error ? reject(new Error(ev.data.error)) : resolve(ev.data.data.pages)
      }
    }
    window.__worker.addEventListener("message", listen)
    window.__worker.postMessage({ type: "archive-search:eval", id, data: q })
  })
}
"""
QUERIES = ["石景山", "核酸检测", "会议", "防控", "北京", "海淀区", "学校"]


def test_open_page_answers_from_the_new_build_after_a_rebuild(page, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    names = sorted(p.name for p in (REPO / "seeds").iterdir() if p.is_file())
    for name in names[:3]:
        shutil.copy(REPO / "seeds" / name, seeds / name)
    site = build_site(seeds, tmp_path)
    with serve(site) as url:
        page.goto(url)
        worker = page.evaluate("() => new URL(JSON.parse(document.getElementById('__config').textContent).search, location.href).href")
        page.evaluate(START, worker)
        page.evaluate("q => window.__ask(q)", "疫情")  # the worker has loaded this build
        old = [r["pages"] for r in evaluate(page, QUERIES)]

        # Rebuilt in place with other seeds: other pages, other key and bucket numbers.
        (seeds / names[0]).unlink()
        for name in names[3:]:
            shutil.copy(REPO / "seeds" / name, seeds / name)
        build_site(seeds, tmp_path)

        after = [page.evaluate("q => window.__ask(q)", q) for q in QUERIES]
        new = [r["pages"] for r in evaluate(page, QUERIES)]
        assert old != new
        for query, got, was, now in zip(QUERIES, after, old, new, strict=True):
            assert got in (was, now), query
        assert after[-1] == new[-1]  # by then the worker has found its build gone
