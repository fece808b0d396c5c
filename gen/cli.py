"""Command line: `python -m gen build|status|check`; parsing, output and exit codes, no logic."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gen import check as checking
from gen import fs, manifest
from gen.build import build
from gen.config import Settings, SettingsError, validate

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
PROGRESS_FROM = 200  # seeds; fewer finish before a progress bar would help


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gen", description="Turn raw documents in seeds/ into archive pages in docs/.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("build", "generate docs/ from the seeds"), ("status", "show what a build would do, writing nothing")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of raw documents (default: seeds)")
        p.add_argument("--docs", type=Path, default=Path("docs"), help="folder of generated pages (default: docs)")
        p.add_argument("--manifest", type=Path, action="append", default=[], help="metadata CSV (repeatable); CSVs inside --seeds are read too")
        p.add_argument("--manifest-columns", default="", metavar="FIELD=COLUMN,…", help="name manifest columns, e.g. date=pubtime,source=infoSource")
        p.add_argument("--report", type=Path, default=Path("build/report.json"), help="where to write the run report (default: build/report.json)")
        p.add_argument("-v", "--verbose", action="store_true", help="list unchanged pages too")
        p.add_argument("-j", "--jobs", type=int, default=0, help="processes reading seeds (default: one per core)")
        p.add_argument("--no-cache", action="store_true", help="read every seed again, ignoring build/cache/")
        if name == "build":
            p.add_argument("--force", nargs="+", default=[], metavar="PATH", help="overwrite these pages even if edited by hand")
            p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p = sub.add_parser("check", help="validate the front matter of every page in docs/")
    p.add_argument("--docs", type=Path, default=Path("docs"), help="folder of pages (default: docs)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    docs = args.docs
    force = tuple(_page_of(p, docs) for p in getattr(args, "force", []))
    return validate(
        Settings(
            root=Path.cwd(),
            seeds_dir=args.seeds,
            docs_dir=docs,
            manifests=tuple(args.manifest),
            manifest_columns=manifest.parse_columns(args.manifest_columns),
            report_path=args.report,
            force=force,
            dry_run=args.command == "status",
            progress=sys.stderr.isatty(),
            workers=args.jobs or os.cpu_count() or 1,
            cache_dir=None if args.no_cache else Path("build/cache"),
        )
    )


def _page_of(path: str, docs: Path) -> str:
    """A --force argument as a docs-relative page path (accepts docs/… or the bare page path)."""
    p = Path(path)
    try:
        return p.resolve().relative_to(docs.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def _progress(on_terminal: bool):
    """A progress bar for long runs on a terminal, else None."""
    if not on_terminal:
        return None
    from tqdm import tqdm

    def wrap(items, total=None):
        total = total if total is not None else len(items)
        return tqdm(items, total=total, desc="reading seeds", unit="doc", disable=total < PROGRESS_FROM, file=sys.stderr)

    return wrap


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "check":
        problems = checking.check_docs(args.docs)
        for p in problems:
            print(p)
        print(f"{len(problems)} problems" if problems else "all pages valid")
        return EXIT_ERRORS if problems else EXIT_OK
    try:
        settings = _settings(args)
    except (SettingsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = build(settings, _progress(settings.progress))
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing already written is lost; fix the cause and run the build again", file=sys.stderr)
        return EXIT_ERRORS
    if settings.report_path:
        fs.write_report(settings.report_path, report.to_json())
    print(report.summary(verbose=args.verbose, docs=settings.docs_dir.as_posix()))
    if report.errors or report.conflicts or (getattr(args, "strict", False) and report.warnings):
        return EXIT_ERRORS
    return EXIT_OK
