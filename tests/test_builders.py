"""The builders: MkDocs and ProperDocs make the same site byte for byte, and a build that would skip
our plugins (a mkdocs.yml without one, or Zensical, which ignores plugins it does not know) fails
with a message naming mkdocs.yml and what is missing, instead of publishing an archive without
its index pages and search."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import markdown
import pytest

from gen import guard
from tests.conftest import REPO, make_project

BUILDERS = ("mkdocs", "properdocs")
# Fixed, so that the two builds' sitemaps agree on the date (the Makefile sets it from git).
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
# The one thing the builders are allowed to write differently: the generator meta tag names the
# builder and its version (`mkdocs_version` in the theme's context). Each is replaced by this.
GENERATOR = {
    "mkdocs": f'<meta name="generator" content="mkdocs-{version("mkdocs")}, '.encode(),
    "properdocs": f'<meta name="generator" content="mkdocs-ProperDocs {version("properdocs")}, '.encode(),
}
NORMALISED = b'<meta name="generator" content="BUILDER, '
# mkdocs.yml's plugin entries, as written there (the archive plugin with its options).
PLUGIN_ENTRY = {
    "archive": re.compile(r"^  - archive:\n(?:      .*\n)+", re.M),
    "archive-search": re.compile(r"^  - archive-search\n", re.M),
}
# Zensical goes into a venv of its own, never into .venv; kept between runs (`make clean` drops it).
ZENSICAL_VENV = REPO / "build" / "test-zensical"
PIP_OFFLINE = ("NewConnectionError", "Max retries exceeded", "Temporary failure in name resolution",
               "No matching distribution found for zensical", "ConnectionError", "ReadTimeoutError")


def run(args: list[str], cwd: Path, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env or ENV, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A project with the five seeds after `python -m gen build`, before any site build."""
    root = make_project(tmp_path_factory.mktemp("generated"))
    done = run([sys.executable, "-m", "gen", "build"], root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def copy_of(generated: Path, dest: Path, without: str | None = None) -> Path:
    """A copy of the generated project; `without` names a plugin entry taken out of its mkdocs.yml."""
    root = Path(shutil.copytree(generated, dest))
    if without:
        config = root / "mkdocs.yml"
        text, count = PLUGIN_ENTRY[without].subn("", config.read_text(encoding="utf-8"))
        assert count == 1, f"mkdocs.yml has no `- {without}` entry to take out"
        config.write_text(text, encoding="utf-8")
    return root


def build_site(builder: str, root: Path) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", builder, "build", "--strict", "-f", "mkdocs.yml"], root)


def site_files(site: Path, builder: str) -> dict[str, bytes]:
    """Every file of a built site by path, the generator meta tag normalised in HTML files."""
    files = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".html":
            data = data.replace(GENERATOR[builder], NORMALISED)
        files[path.relative_to(site).as_posix()] = data
    return files


def test_mkdocs_and_properdocs_build_the_same_site(generated, tmp_path):
    sites = {}
    for builder in BUILDERS:
        root = copy_of(generated, tmp_path / builder)
        done = build_site(builder, root)
        assert done.returncode == 0, f"{builder} build failed:\n{done.stderr[-3000:]}"
        sites[builder] = site_files(root / "site", builder)
    mk, pd = sites["mkdocs"], sites["properdocs"]
    assert sorted(mk) == sorted(pd), f"only MkDocs: {sorted(set(mk) - set(pd))}; only ProperDocs: {sorted(set(pd) - set(mk))}"
    different = [path for path in mk if mk[path] != pd[path]]
    assert not different, f"{len(different)} files differ, e.g. {different[:10]}"
    # What was compared is the whole site (a build that wrote nothing would compare equal too), and
    # no generator tag was left naming a builder. Pages that Material renders carry the tag (404.html
    # at least); the archive plugin's own shell may leave it out.
    pages = {"index.html", "404.html", "timeline/index.html", "districts/index.html", "sources/index.html", "tags/index.html"}
    pages |= {f"archive/{p.stem}/index.html" for p in (generated / "seeds").iterdir()}
    assert pages <= set(mk), sorted(pages - set(mk))
    tagged = {path for path, data in mk.items() if b'<meta name="generator"' in data}
    assert tagged == {path for path, data in mk.items() if NORMALISED in data}
    assert "404.html" in tagged


@pytest.mark.parametrize("builder", BUILDERS)
@pytest.mark.parametrize("plugin", ["archive", "archive-search"])
def test_a_build_without_a_plugin_of_ours_fails_and_says_which(generated, tmp_path, builder, plugin):
    root = copy_of(generated, tmp_path / "project", without=plugin)
    done = build_site(builder, root)
    expected = guard.REFUSALS["missing"] if plugin == "archive" else guard.missing_parts(["archive"], [guard.EXTENSION])[0]
    assert f"mkdocs.yml: plugins: `{plugin}` is missing" in expected
    assert done.returncode == 1, done.stderr[-3000:]
    assert f"ERROR   -  {expected}\n" in done.stderr, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert not (root / "site" / "index.html").exists()
    assert not (root / "site" / "archive").exists()


def test_missing_parts_names_each_missing_plugin_and_the_guard():
    assert guard.missing_parts(["archive", "archive-search", "redirects"], ["gen.guard", "toc"]) == []
    problems = guard.missing_parts(["redirects"], ["toc"])
    assert [p.split(":", 2)[:2] for p in problems] == [["mkdocs.yml", " plugins"]] * 2 + [["mkdocs.yml", " markdown_extensions"]]
    assert "`archive` is missing" in problems[0] and "list `- archive` under `plugins:`" in problems[0]
    assert "`archive-search` is missing" in problems[1] and "search" in problems[1]
    assert "`gen.guard` is missing" in problems[2] and "Zensical" in problems[2]


def test_clear_lets_pages_through_and_refuses_a_config_missing_a_part():
    config = {"plugins": {"archive": 1, "archive-search": 2}, "markdown_extensions": ["toc", "gen.guard"], "mdx_configs": {}}
    guard.clear(config)
    assert config["mdx_configs"] == {"gen.guard": {"cleared": True}}
    assert markdown.Markdown(extensions=["gen.guard"], extension_configs=config["mdx_configs"]).convert("正文") == "<p>正文</p>"
    config = {"plugins": {"archive": 1}, "markdown_extensions": ["toc"], "mdx_configs": {}}
    with pytest.raises(guard.GuardError) as caught:
        guard.clear(config)
    assert str(caught.value) == "\n".join(guard.missing_parts(["archive"], ["toc"]))
    assert config["mdx_configs"] == {}


def test_the_guard_refuses_every_page_until_cleared(monkeypatch):
    md = markdown.Markdown(extensions=["gen.guard"])  # loading it is fine: MkDocs does so before any plugin runs
    monkeypatch.delitem(sys.modules, "gen.plugin", raising=False)
    monkeypatch.delitem(sys.modules, "zensical", raising=False)
    with pytest.raises(guard.GuardError, match="^mkdocs.yml: plugins: `archive` is missing"):
        md.convert("正文")
    monkeypatch.setitem(sys.modules, "gen.plugin", sys.modules["gen.guard"])
    with pytest.raises(guard.GuardError, match=r"must call gen\.guard\.clear\(config\) \(gen/plugin\.py\)"):
        md.convert("正文")
    monkeypatch.setitem(sys.modules, "zensical", sys.modules["gen.guard"])
    with pytest.raises(guard.GuardError, match="^mkdocs.yml: this archive is built with MkDocs or ProperDocs, not Zensical"):
        md.convert("正文")


def test_make_site_installs_no_test_tools_builds_with_either_and_keeps_the_banner(tmp_path):
    venv = tmp_path / "venv"
    site = run(["make", "-n", "site", f"VENV={venv}"], REPO)
    assert site.returncode == 0, site.stderr
    installs = [line for line in site.stdout.splitlines() if "pip install" in line]
    assert installs == [f"{venv}/bin/python -m pip install --quiet --upgrade pip", f"{venv}/bin/python -m pip install --quiet -e ."]
    assert f"{venv}/bin/python -m mkdocs build --strict -f mkdocs.yml" in site.stdout.splitlines()
    switched = run(["make", "-n", "site", f"VENV={venv}", "BUILDER=properdocs"], REPO)
    assert f"{venv}/bin/python -m properdocs build --strict -f mkdocs.yml" in switched.stdout.splitlines()
    test = run(["make", "-n", "test-fast", f"VENV={venv}"], REPO)
    assert f"{venv}/bin/python -m pip install --quiet -e '.[test]'" in test.stdout.splitlines()
    assert "NO_MKDOCS_2_WARNING" not in (REPO / "Makefile").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def zensical() -> Path:
    """The `zensical` command, installed from PyPI into a venv of its own (skip when PyPI is out of reach)."""
    done_stamp = ZENSICAL_VENV / ".installed"
    if not done_stamp.exists():
        shutil.rmtree(ZENSICAL_VENV, ignore_errors=True)
        made = run([sys.executable, "-m", "venv", str(ZENSICAL_VENV)], REPO)
        assert made.returncode == 0, made.stderr
        pip = run([str(ZENSICAL_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "--timeout", "20",
                   "--retries", "1", "zensical"], REPO, timeout=600)
        if pip.returncode != 0:
            shutil.rmtree(ZENSICAL_VENV, ignore_errors=True)
            if any(sign in pip.stderr for sign in PIP_OFFLINE):
                pytest.skip(f"zensical cannot be installed (PyPI out of reach?): {pip.stderr.strip().splitlines()[-1]}")
            pytest.fail(f"pip install zensical failed:\n{pip.stderr[-3000:]}")
        done_stamp.touch()
    return ZENSICAL_VENV / "bin" / "zensical"


def test_zensical_build_fails_and_says_to_build_with_mkdocs(generated, tmp_path, zensical):
    root = copy_of(generated, tmp_path / "project")
    # As with zensical installed into the project's .venv, where the `gen` package is importable.
    done = run([str(zensical), "build"], root, env={**ENV, "PYTHONPATH": str(REPO)}, timeout=120)
    said = done.stdout + done.stderr
    assert done.returncode == 1, said[-3000:]
    assert f"GuardError: {guard.REFUSALS['zensical']}\n" in said, said[-3000:]
    assert "mkdocs.yml" in guard.REFUSALS["zensical"] and "`archive`" in guard.REFUSALS["zensical"]
    assert not (root / "site" / "index.html").exists()
    assert not (root / "site" / "archive").exists()


def test_zensical_without_the_project_installed_fails_too(generated, tmp_path, zensical):
    root = copy_of(generated, tmp_path / "project")
    done = run([str(zensical), "build"], root, env={k: v for k, v in ENV.items() if k != "PYTHONPATH"}, timeout=120)
    said = done.stdout + done.stderr
    assert done.returncode == 1, said[-3000:]
    assert "No module named 'gen'" in said, said[-3000:]
    assert not (root / "site" / "index.html").exists()
