"""Command line: `python -m gen build|status|check`; parsing, output and exit codes, no logic."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gen import check as checking
from gen import fs, manifest
from gen.build import build
from gen.config import CACHE_DIR, REPORT_FILE, Settings, SettingsError, find_config, load_project, validate

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130
PROGRESS_FROM = 200  # seeds; fewer finish before a progress bar would help


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gen", description="Turn raw documents in seeds/ into archive pages in docs/.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("build", "generate docs/ from the seeds"), ("status", "show what a build would do, writing nothing")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("-f", "--config-file", type=Path, help="the project's mkdocs.yml (default: found from the current folder up)")
        p.add_argument("--seeds", type=Path, help="folder of raw documents (default: the archive plugin's `seeds` option, else seeds)")
        p.add_argument("--docs", type=Path, help="folder of generated pages (default: mkdocs.yml's docs_dir, else docs)")
        p.add_argument("--manifest", type=Path, action="append", default=[], help="metadata CSV (repeatable; replaces the plugin's `manifests`); CSVs inside the seeds folder are read too")
        p.add_argument("--manifest-columns", metavar="FIELD=COLUMN,…", help="name manifest columns, e.g. date=pubtime,source=infoSource (replaces the plugin's `manifest_columns`)")
        p.add_argument("-v", "--verbose", action="store_true", help="list unchanged pages too")
        p.add_argument("-j", "--jobs", type=int, help="processes reading seeds (default: one per core)")
        p.add_argument("--no-cache", action="store_true", help="read every seed again, ignoring build/cache/")
        if name == "build":
            p.add_argument("--report", type=Path, help="where to write the run report (default: build/report.json in the project)")
            p.add_argument("--force", nargs="+", default=[], metavar="PAGE", help="overwrite these generated pages even if edited by hand")
            p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
            p.add_argument("--allow-removal", action="store_true", help="remove many pages at once when their seeds are gone")
    p = sub.add_parser("check", help="validate the front matter of every page in docs/")
    p.add_argument("-f", "--config-file", type=Path, help="the project's mkdocs.yml (default: found from the current folder up)")
    p.add_argument("--docs", type=Path, help="folder of pages (default: mkdocs.yml's docs_dir, else docs)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    config_file = args.config_file
    if config_file is not None and not config_file.is_file():
        raise SettingsError(f"--config-file {config_file}: no such file")
    found = config_file or find_config(Path.cwd()) or (find_config(args.docs.resolve().parent) if args.docs else None)
    project = load_project(found, default_root=args.docs.resolve().parent if args.docs else None)
    docs = args.docs or project.docs_dir
    building = args.command == "build"
    columns = manifest.parse_columns(args.manifest_columns) if args.manifest_columns is not None else project.manifest_columns
    settings = Settings(
        root=project.root,
        seeds_dir=args.seeds or project.seeds_dir,
        docs_dir=docs,
        manifests=tuple(args.manifest) or project.manifests,
        manifest_columns=columns,
        report_path=(args.report or project.root / REPORT_FILE) if building else None,
        force=tuple(_page_of(Path(p), docs) for p in getattr(args, "force", [])),
        dry_run=not building,
        progress=sys.stderr.isatty(),
        workers=(os.cpu_count() or 1) if args.jobs is None else args.jobs,
        cache_dir=None if args.no_cache else project.root / CACHE_DIR,
        allow_removal=getattr(args, "allow_removal", False),
    )
    validate(settings)
    _check_force(settings)
    return settings


def _page_of(path: Path, docs: Path) -> str:
    """A --force argument as a docs-relative page path (accepts docs/… or the bare page path)."""
    try:
        return path.resolve().relative_to(docs.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _check_force(settings: Settings) -> None:
    """--force names pages the generator made: anything else is a usage error."""
    if not settings.force:
        return
    pages = fs.load_state(settings.docs_dir).pages
    wrong = [p for p in settings.force if p not in pages]
    if wrong:
        raise SettingsError("\n".join(f"--force {p}: not a page the generator made in {settings.docs_dir}" for p in wrong))


def _progress(on_terminal: bool):
    """A progress bar for long runs on a terminal, else None."""
    if not on_terminal:
        return None
    from tqdm import tqdm

    def wrap(items, total=None):
        total = total if total is not None else len(items)
        return tqdm(items, total=total, desc="reading seeds", unit="doc", disable=total < PROGRESS_FROM, file=sys.stderr)

    return wrap


def _check(args: argparse.Namespace) -> int:
    try:
        docs = args.docs or load_project(args.config_file or find_config(Path.cwd())).docs_dir
        problems = checking.check_docs(docs)
    except (SettingsError, checking.NotAnArchive) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for p in problems:
        print(p)
    print(f"{len(problems)} problems" if problems else "all pages valid")
    return EXIT_ERRORS if problems else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        return _run(args)
    except KeyboardInterrupt:
        print("\ninterrupted: every page is either as it was or fully written; run the build again to finish", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args)
    except (SettingsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    def waiting() -> None:
        print(f"another build is writing {settings.docs_dir}; waiting for it to finish …", file=sys.stderr)

    try:
        report = build(settings, _progress(settings.progress), waiting)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing already written is lost; fix the cause and run the build again", file=sys.stderr)
        return EXIT_ERRORS
    if settings.report_path:
        try:
            fs.write_report(settings.report_path, report.to_text())
        except OSError as exc:
            print(f"error: --report {settings.report_path}: cannot be written ({exc})", file=sys.stderr)
    print(report.summary(verbose=args.verbose, docs=settings.docs_dir.as_posix()))
    if report.errors or report.conflicts or (getattr(args, "strict", False) and report.warnings):
        return EXIT_ERRORS
    return EXIT_OK
