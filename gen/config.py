"""The run's settings: one frozen object, validated once with every error collected.

The project's settings live in one place, the `archive` plugin's options in mkdocs.yml, which
`gen build`, `gen status`, `make site`, `make serve` and the plugin all read:

    plugins:
      - archive:
          seeds: seeds                      # the folder of raw documents
          manifests: [metadata/index.csv]   # metadata CSVs besides those inside the seeds folder
          manifest_columns: {date: 发布时间}  # manifest column names, by field

Paths there are relative to mkdocs.yml's folder, the project's root; command-line options
override them for one run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CONFIG_FILE = "mkdocs.yml"
# Beside mkdocs.yml, never published and never committed: the build cache (disposable; the
# generator's and the search plugin's) and the run report.
CACHE_DIR = Path("build") / "cache"
REPORT_FILE = Path("build") / "report.json"
PLUGIN = "archive"
# The plugin's options and their defaults (gen/plugin.py declares the same names to MkDocs).
OPTION_DEFAULTS: dict[str, object] = {"seeds": "seeds", "manifests": [], "manifest_columns": {}}


def cache_name(name: str, serving: bool) -> str:
    """The name of a cache file that describes a built site folder (`export-files.pickle`):
    `mkdocs serve` builds into a temporary folder of its own and keeps its own file
    (`export-files-serve.pickle`), so that a preview never costs the next `mkdocs build` its cache."""
    if not serving:
        return name
    stem, dot, suffix = name.partition(".")
    return f"{stem}-serve{dot}{suffix}"


@dataclass(frozen=True)
class Settings:
    """Everything a build or check needs to know about where things are."""

    root: Path  # the project folder (mkdocs.yml's); seed paths in front matter are relative to it
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
    allow_removal: bool = False  # remove many pages at once without asking


@dataclass(frozen=True)
class Project:
    """What mkdocs.yml says: the root, the docs folder and the archive plugin's options."""

    root: Path
    config_file: Path | None
    docs_dir: Path
    seeds_dir: Path
    manifests: tuple[Path, ...] = ()
    manifest_columns: dict[str, str] = field(default_factory=dict)


class SettingsError(ValueError):
    """Settings that cannot work; the message lists every problem."""


class _Loader(yaml.SafeLoader):
    """mkdocs.yml as plain data: `!ENV [NAME, default]` gives the variable or its default, and
    other tags (such as a Python object for a slug function) read as nothing."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    values = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]  # type: ignore[arg-type]
    for name in values[:-1] if len(values) > 1 else values:
        if isinstance(name, str) and name in os.environ:
            return os.environ[name]
    return values[-1] if len(values) > 1 else None


_Loader.add_constructor("!ENV", _env)
_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def project_folder(config) -> Path:
    """The project folder of a loaded MkDocs configuration: mkdocs.yml's (the working folder when
    the configuration came from no file)."""
    return Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()


def find_config(start: Path) -> Path | None:
    """mkdocs.yml in `start` or the nearest folder above it."""
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder / CONFIG_FILE
    return None


def plugin_options(data: object) -> dict[str, object] | None:
    """The archive plugin's options in a parsed mkdocs.yml (None: the plugin is not listed)."""
    plugins = data.get("plugins") if isinstance(data, dict) else None
    pairs: list[tuple[object, object]] = []
    if isinstance(plugins, dict):
        pairs = list(plugins.items())
    elif isinstance(plugins, list):
        for item in plugins:
            pairs += [(item, None)] if isinstance(item, str) else list(item.items()) if isinstance(item, dict) else []
    for name, options in pairs:
        if name == PLUGIN:
            return {**OPTION_DEFAULTS, **(options if isinstance(options, dict) else {})}
    return None


def load_project(config_file: Path | None, default_root: Path | None = None) -> Project:
    """The project as mkdocs.yml describes it; without one, the defaults, with the root the docs
    folder's parent when it is known (so a run from elsewhere never writes into docs/), else the
    current folder."""
    if config_file is None:
        root = default_root or Path.cwd()
        return Project(root=root, config_file=None, docs_dir=Path("docs"), seeds_dir=Path(str(OPTION_DEFAULTS["seeds"])))
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8-sig"), Loader=_Loader)  # noqa: S506 (a safe loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SettingsError(f"{config_file}: cannot be read ({exc})") from None
    root = config_file.parent
    options = plugin_options(data) or dict(OPTION_DEFAULTS)
    problems = []
    manifests = options.get("manifests") or []
    columns = options.get("manifest_columns") or {}
    if not isinstance(options.get("seeds"), str):
        problems.append(f"{config_file}: plugins: archive: seeds: a folder name is expected")
    if not isinstance(manifests, list) or not all(isinstance(m, str) for m in manifests):
        problems.append(f"{config_file}: plugins: archive: manifests: a list of CSV files is expected")
        manifests = []
    if not isinstance(columns, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in columns.items()):
        problems.append(f"{config_file}: plugins: archive: manifest_columns: a mapping FIELD: COLUMN is expected")
        columns = {}
    if problems:
        raise SettingsError("\n".join(problems))
    docs = data.get("docs_dir") if isinstance(data, dict) else None
    return Project(root=root, config_file=config_file, docs_dir=_under(root, docs if isinstance(docs, str) else "docs"),
                   seeds_dir=_under(root, str(options["seeds"])), manifests=tuple(_under(root, m) for m in manifests),
                   manifest_columns=dict(columns))


def _under(root: Path, path: str) -> Path:
    """A path from mkdocs.yml, relative to its folder; shown relative to the current folder when inside it."""
    full = root / path
    try:
        return full.relative_to(Path.cwd())
    except ValueError:
        return full


def _inside(inner: Path, outer: Path) -> bool:
    a, b = inner.resolve(), outer.resolve()
    return a == b or b in a.parents


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
    if _inside(settings.docs_dir, settings.seeds_dir):
        problems.append(f"--docs {settings.docs_dir} is inside --seeds {settings.seeds_dir}: the generator would read its own pages")
    elif _inside(settings.seeds_dir, settings.docs_dir):
        problems.append(f"--seeds {settings.seeds_dir} is inside --docs {settings.docs_dir}: the raw seeds would be published")
    if settings.workers < 1:
        problems.append(f"-j {settings.workers}: the number of processes must be 1 or more")
    if settings.report_path is not None and settings.report_path.is_dir():
        problems.append(f"--report {settings.report_path}: is a folder; name a file, e.g. {settings.report_path / 'report.json'}")
    if problems:
        raise SettingsError("\n".join(problems))
    return settings
