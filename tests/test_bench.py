"""The benchmarks' pure helpers: what a published file is, the stock build's mkdocs.yml, profile
grouping and the target verdicts (bench/scale.py), and the screenshot helpers (bench/screens.py)."""

from __future__ import annotations

import importlib.util
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.utils import yaml_load

from conftest import REPO


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


scale = load("scale")
screens = load("screens")


@pytest.mark.parametrize(
    "rel, kind",
    [
        ("archive/2020/03/dxy_1/index.html", "documents"),
        ("archive/index.html", "documents"),
        ("index.html", "indexes"),
        ("timeline/2020/03/index.html", "indexes"),
        ("tags/index.html", "indexes"),
        ("districts/haidian/index.html", "indexes"),
        ("search/search_index.json", "search"),
        ("search/a1b2/p/12.json", "search"),
        ("assets/stylesheets/main.57a0d79d.min.css", "assets"),
        ("assets/archive.css", "assets"),
        ("404.html", "other"),
        ("sitemap.xml.gz", "other"),
        ("archive/2020/x/photo.png", "other"),
    ],
)
def test_site_kind_by_path(rel, kind):
    assert scale.site_kind(rel) == kind


def test_tally_bytes_per_document_and_by_kind():
    files = [("archive/a/index.html", 3072), ("archive/b/index.html", 1024), ("index.html", 2048),
             ("search/search_index.json", 512), ("assets/x.js", 1536), ("sitemap.xml", 100)]
    got = scale.tally(files, 2)
    assert got["files"] == 6
    assert got["bytes"] == 8292
    assert got["kb_per_doc"] == pytest.approx(8292 / 2 / 1024)
    assert got["kinds"] == {
        "documents": {"files": 2, "bytes": 4096},
        "indexes": {"files": 1, "bytes": 2048},
        "search": {"files": 1, "bytes": 512},
        "assets": {"files": 1, "bytes": 1536},
        "other": {"files": 1, "bytes": 100},
    }
    assert got["other"] == {"sitemap.xml": 100}


def test_tally_other_by_top_level_folder_largest_first():
    files = [("files/a/original.bin", 300), ("files/b/text.txt", 200), ("feeds/atom.xml", 100), ("404.html", 50),
             ("archive.csv", 600), ("archive/a/index.html", 1000)]
    assert scale.tally(files, 1)["other"] == {"archive.csv": 600, "files/": 500, "feeds/": 100, "404.html": 50}


YML = """site_name: x
markdown_extensions:
  - admonition

  # a comment inside
  - toc:
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower

# about the nav
nav:
- Home: index.md
theme: material
"""


def test_top_level_block_keeps_tags_comments_and_stops_at_the_next_key():
    assert scale.top_level_block(YML, "markdown_extensions") == (
        "markdown_extensions:\n  - admonition\n\n  # a comment inside\n  - toc:\n"
        "      slugify: !!python/object/apply:pymdownx.slugs.slugify\n        kwds:\n          case: lower\n"
    )
    assert scale.top_level_block(YML, "nav") == "nav:\n- Home: index.md\n"
    assert scale.top_level_block(YML, "theme") == "theme: material\n"
    assert scale.top_level_block(YML, "plugins") == ""


def test_without_ours_drops_our_extensions_with_their_options():
    block = ("markdown_extensions:\n  - admonition\n  - gen.guard\n  - gen.other:\n      opt: 1\n      more:\n"
             "        - x\n  - 'gen.quoted'\n  - general_ext\n  - toc:\n      permalink: true\n")
    assert scale.without_ours(block) == (
        "markdown_extensions:\n  - admonition\n  - general_ext\n  - toc:\n      permalink: true\n"
    )


def test_stock_config_of_our_mkdocs_yml():
    ours_text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    ours, stock = yaml_load(ours_text), yaml_load(scale.stock_config(ours_text))
    assert stock["theme"] == {"name": "material", "language": "zh", "font": False}
    assert stock["plugins"] == [{"search": {"lang": "zh"}}]
    assert stock["nav"] == ours["nav"]
    assert stock["not_in_nav"] == ours["not_in_nav"]
    assert stock["site_name"] == ours["site_name"]

    def names(extensions):
        return [e if isinstance(e, str) else next(iter(e)) for e in extensions]

    assert names(stock["markdown_extensions"]) == [n for n in names(ours["markdown_extensions"]) if not n.startswith("gen.")]
    assert "custom_dir" not in scale.stock_config(ours_text)


@pytest.mark.parametrize(
    "filename, package",
    [
        ("/work/main/.venv/lib/python3.11/site-packages/mkdocs/commands/build.py", "mkdocs"),
        ("/work/main/.venv/lib/python3.11/site-packages/jinja2/runtime.py", "jinja2"),
        ("/work/main/.venv/lib/python3.11/site-packages/material/templates/base.html", "material"),
        ("/work/main/.venv/lib/python3.11/site-packages/pymdownx/slugs.py", "pymdownx"),
        ("/work/main/.venv/lib/python3.11/site-packages/markdown/core.py", "markdown"),
        ("/work/main/.venv/lib/python3.11/site-packages/yaml/constructor.py", "other"),
        (str(REPO / "gen" / "plugin.py"), "gen"),
        (str(REPO / "gen" / "search" / "plugin.py"), "gen"),
        ("/usr/lib/python3.11/json/decoder.py", "other"),
        ("~", "other"),
        ("<frozen posixpath>", "other"),
    ],
)
def test_package_of(filename, package):
    assert scale.package_of(filename) == package


SITE = "/v/lib/python3.11/site-packages/"
STATS = {
    # (file, line, name): (primitive calls, calls, own, cumulative, callers {caller: (cc, nc, own, cum)})
    (SITE + "jinja2/runtime.py", 10, "call"): (5, 5, 0.5, 2.0, {}),
    (SITE + "mkdocs/build.py", 20, "build"): (1, 1, 0.25, 3.0, {}),
    ("~", 0, "<method 'join' of 'str' objects>"): (
        9, 9, 1.0, 1.0, {(SITE + "jinja2/runtime.py", 10, "call"): (6, 6, 0.75, 0.75), ("/usr/lib/python3.11/json/x.py", 1, "f"): (3, 3, 0.25, 0.25)}),
    ("/usr/lib/python3.11/json/x.py", 1, "f"): (3, 3, 0.125, 0.5, {}),
}


def test_own_time_by_package_charges_built_ins_to_their_callers():
    assert scale.own_time_by_package(STATS) == {
        "mkdocs": 0.25, "jinja2": 1.25, "markdown": 0.0, "material": 0.0, "pymdownx": 0.0, "gen": 0.0, "other": 0.375,
    }


def test_others_lists_files_outside_the_packages():
    assert scale.others(STATS) == [("json/x.py", 0.375)]


def test_top_functions_by_cumulative_and_own_time():
    assert [w for *_, w in scale.top_functions(STATS, "cum", 2)] == ["mkdocs/build.py:20(build)", "jinja2/runtime.py:10(call)"]
    assert [w for *_, w in scale.top_functions(STATS, "own", 2)] == ["<method 'join' of 'str' objects>", "jinja2/runtime.py:10(call)"]


def test_verdict_strict_and_inclusive_bounds():
    peak, ratio = (next(t for t in scale.TARGETS if t.key == k) for k in ("peak_mb", "ratio"))
    assert scale.verdict(2047, peak) == "✓"
    assert scale.verdict(2048, peak) == "✗"
    assert scale.verdict(0.4, ratio) == "✓"
    assert scale.verdict(0.41, ratio) == "✗"
    assert scale.verdict(None, ratio) == ""
    assert scale.verdict(float("nan"), ratio) == ""


def test_targets_table_marks_each_size():
    rows = [{"n": 1000, "kb_per_doc": 7.5, "ratio": 1.15}, {"n": 100000, "kb_per_doc": 9.25}]
    lines = scale.targets_table(rows).splitlines()
    assert lines[0] == "| measure | target | 1,000 docs | 100,000 docs |"
    assert lines[2] == "| published bytes per document (all of site/) | ≤ 8 KB | 7.50 KB ✓ | 9.25 KB ✗ |"
    assert lines[3] == "| end to end / stock Material + jieba (1,000 pages) | ≤ 0.4 | 1.15 ✗ | — |"
    assert len(lines) == 2 + len(scale.TARGETS)


def test_disk_needed_for_the_largest_or_all_kept():
    assert scale.disk_needed([1000, 100000], keep=False) == 100000 * scale.DISK_PER_DOC
    assert scale.disk_needed([1000, 100000], keep=True) == 101000 * scale.DISK_PER_DOC


def test_synthetic_keeps_the_first_documents_form():
    html_a = "标题甲\n<p>一段。</p>\r\n<p>二段。</p>\r\n<p>三段。</p>"
    html_b = "标题乙\n<p>四段。</p>\r\n<p>五段。</p>"
    made = scale.synthetic(html_a, html_b, random.Random(1))
    title, _, body = made.partition("\n")
    assert title == "标题甲（综合）"
    assert len(body.split("\r\n")) == 3  # half of the five paragraphs, rounded up
    assert set(body.split("\r\n")) <= {"<p>一段。</p>", "<p>二段。</p>", "<p>三段。</p>", "<p>四段。</p>", "<p>五段。</p>"}
    text = scale.synthetic("甲一。甲二。甲三。", "乙一。", random.Random(1))
    sentences = [s + "。" for s in text.split("。")[:-1]]
    assert text.endswith("。") and sentences
    assert set(sentences) <= {"甲一。", "甲二。", "甲三。", "乙一。"}


def test_palette_sheet_and_document_page(tmp_path):
    (tmp_path / "assets" / "stylesheets").mkdir(parents=True)
    assert screens.palette_sheet(tmp_path) is None
    (tmp_path / "assets" / "stylesheets" / "palette.ab12.min.css").write_text("", encoding="utf-8")
    assert screens.palette_sheet(tmp_path) == "assets/stylesheets/palette.ab12.min.css"
    for page in ("archive/2021/b", "archive/2020/a"):
        (tmp_path / page).mkdir(parents=True)
        (tmp_path / page / "index.html").write_text("", encoding="utf-8")
    assert screens.document_page(tmp_path) == "archive/2020/a/"
    assert screens.file_name("home", "phone", "dark") == "home-phone-dark.png"


def test_tree_memory_of_a_process_that_is_gone_is_zero():
    assert scale.tree_pss_kb(2**22 + 7) == 0


@pytest.mark.slow
@pytest.mark.skipif(not Path(scale.TIME).exists() or not sys.platform.startswith("linux"), reason="needs GNU time and Linux")
def test_timed_counts_the_cpu_of_processes_a_command_leaves_behind(tmp_path):
    # A build's page workers belong to a server process the build never waits for: the command
    # here ends at once and leaves a process that burns half a second of CPU. timed() runs in a
    # process of its own, which becomes the reaper of orphans (not this test session).
    (tmp_path / "burn.py").write_text("import time\nt = time.process_time()\nwhile time.process_time() - t < 0.5:\n    pass\n")
    script = (
        "import importlib.util, json, sys\n"
        f"spec = importlib.util.spec_from_file_location('scale', {str(REPO / 'bench' / 'scale.py')!r})\n"
        "scale = importlib.util.module_from_spec(spec); sys.modules['scale'] = scale; spec.loader.exec_module(scale)\n"
        f"cmd = ['sh', '-c', {sys.executable + ' burn.py >/dev/null 2>&1 & exit 0'!r}]\n"
        "got = scale.timed(cmd, scale.Path('.'), ok=(0,))\n"
        "print(json.dumps([got.seconds, got.cpu_s]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    seconds, cpu = json.loads(out.stdout.strip().splitlines()[-1])
    assert cpu >= 0.45, (seconds, cpu)


versions = load("versions")


def test_versions_take_turns_going_first():
    assert versions.order(4) == [("old", "new"), ("new", "old"), ("old", "new"), ("new", "old")]
    assert versions.order(0) == []


def test_versions_change_a_different_seed_each_round():
    seeds = [f"s{i:03d}" for i in range(100)]
    picked = versions.picked(seeds, 3)
    assert picked == ["s025", "s050", "s075"]
    assert versions.picked(["a", "b"], 3) == ["b", "b", "b"]  # fewer seeds than rounds: still seeds of the archive


def test_versions_summary_gives_each_round_and_the_median():
    rounds = [versions.Round("old", "a", 10.0, 30.0, 50.0, 1), versions.Round("new", "a", 10.0, 28.0, 55.0, 1),
              versions.Round("new", "b", 11.0, 29.0, 54.0, 1), versions.Round("old", "b", 12.0, 33.0, 48.0, 1),
              versions.Round("old", "c", 11.0, 31.0, 49.0, 1), versions.Round("new", "c", 10.5, 27.5, 53.0, 1)]
    table = versions.summary(rounds).splitlines()
    old, new = table[2], table[3]
    assert old.startswith("| old | 40.00 (10.00 + 30.00) / 45.00 (12.00 + 33.00) / 42.00 (11.00 + 31.00) | 42.00 s |")
    assert old.endswith("| 50.0 / 48.0 / 49.0 | 49.0 s |")
    assert new.startswith("| new | 38.00 (10.00 + 28.00) / 40.00 (11.00 + 29.00) / 38.00 (10.50 + 27.50) | 38.00 s |")
