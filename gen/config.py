"""The run's settings: one frozen object, validated once with every error collected."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Everything a build or check needs to know about where things are."""

    root: Path  # repository root; seed paths in front matter are relative to it
    seeds_dir: Path
    docs_dir: Path
    manifests: tuple[Path, ...] = ()  # besides the CSVs found among the seeds
    manifest_columns: dict[str, str] = field(default_factory=dict)
    report_path: Path | None = None
    force: tuple[str, ...] = ()  # docs-relative pages that may be overwritten even if edited
    dry_run: bool = False
    progress: bool = False
    workers: int = 1  # processes reading seeds
    cache_dir: Path | None = None  # build cache (None: no cache)


class SettingsError(ValueError):
    """Settings that cannot work; the message lists every problem."""


def validate(settings: Settings) -> Settings:
    """Return settings unchanged, or raise SettingsError listing every problem at once."""
    problems = []
    if not settings.seeds_dir.is_dir():
        problems.append(f"--seeds {settings.seeds_dir}: no such folder")
    if settings.docs_dir.exists() and not settings.docs_dir.is_dir():
        problems.append(f"--docs {settings.docs_dir}: exists and is not a folder")
    for m in settings.manifests:
        if not m.is_file():
            problems.append(f"--manifest {m}: no such file")
    if settings.docs_dir.resolve() == settings.seeds_dir.resolve():
        problems.append("--docs and --seeds must be different folders")
    if problems:
        raise SettingsError("\n".join(problems))
    return settings
