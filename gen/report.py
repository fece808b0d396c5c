"""The run report: every seed's outcome and every problem, as JSON and as a terminal summary."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from gen import sync
from gen.model import Problem


# Beyond this many, the terminal gets counts and the report file gets the list.
SHOW_AT_MOST = 40


@dataclass(frozen=True)
class SeedOutcome:
    """What happened to one seed."""

    seed: str
    page: str | None
    outcome: str  # a sync action, or "error" when the seed could not be read
    reason: str = ""
    problems: tuple[Problem, ...] = ()
    normalised: tuple[tuple[str, int], ...] = ()  # routine repairs: (what, how many), e.g. ("punctuation", 124)


@dataclass(frozen=True)
class Report:
    """Everything a run did or would do."""

    seeds: list[SeedOutcome]
    pages: list[sync.Decision]
    problems: list[Problem]
    dry_run: bool = False

    @cached_property
    def errors(self) -> list[Problem]:
        """Every error, from seeds, manifests and pages."""
        found = [p for p in self.problems if p.severity == "error"]
        found += [p for s in self.seeds for p in s.problems if p.severity == "error"]
        return found

    @cached_property
    def conflicts(self) -> list[sync.Decision]:
        """Pages an editor changed where the generator changed the same lines."""
        return [d for d in self.pages if d.action == sync.CONFLICT]

    @cached_property
    def warnings(self) -> list[Problem]:
        """Every warning."""
        found = [p for p in self.problems if p.severity == "warning"]
        found += [p for s in self.seeds for p in s.problems if p.severity == "warning"]
        return found

    def to_json(self) -> dict:
        """A JSON-ready dict, stable in order."""
        return {
            "dry_run": self.dry_run,
            "counts": dict(sorted(Counter(s.outcome for s in self.seeds).items())),
            "seeds": [
                {
                    "seed": s.seed,
                    "page": s.page,
                    "outcome": s.outcome,
                    "reason": s.reason,
                    "problems": [str(p) for p in s.problems],
                    **({"normalised": dict(s.normalised)} if s.normalised else {}),
                }
                for s in self.seeds
            ],
            "pages": [
                {"page": d.page, "action": d.action, "reason": d.reason, **({"diff": d.diff} if d.diff else {})}
                for d in self.pages
                if d.action != sync.UNCHANGED
            ],
            "problems": [str(p) for p in self.problems],
        }

    def to_text(self) -> str:
        """The report file's text: JSON with one line per seed, page and problem (readable diffs)."""
        return json_lines(self.to_json(), "seeds", "pages", "problems")

    def summary(self, verbose: bool = False, docs: str = "docs") -> str:
        """Lines for the terminal: changed pages and problems (the first ones unless verbose), then counts."""
        lines = ["nothing was changed; a build would do this:"] if self.dry_run else []
        verb = "would be written" if self.dry_run else "written"
        shown = [d for d in self.pages if verbose or (d.action != sync.UNCHANGED and not d.quiet)]
        for d in shown if verbose else [d for d in shown if d.action != sync.WRITE or len(shown) <= SHOW_AT_MOST]:
            why = f" ({d.reason})" if d.reason else ""
            lines.append(f"{d.action:>18}  {docs}/{d.page}{why}")
            if d.diff:
                lines.extend("    " + line for line in d.diff.splitlines())
        problems = self.errors + self.warnings
        if verbose or len(problems) <= SHOW_AT_MOST:
            lines += [str(p) for p in problems]
        else:
            lines += [str(p) for p in problems[:SHOW_AT_MOST]]
            lines.append(f"… and {len(problems) - SHOW_AT_MOST} more problems: see the report, or run with --verbose")
        counts = Counter(s.outcome for s in self.seeds)
        written = sum(1 for d in self.pages if d.action == sync.WRITE)
        parts = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no seeds"
        lines.append(
            f"{len(self.seeds)} seeds: {parts}; {written} pages {verb}; "
            f"{len(self.conflicts)} conflicts, {len(self.errors)} errors, {len(self.warnings)} warnings"
        )
        return "\n".join(lines)


_ONE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def json_lines(data: dict, *big: str) -> str:
    """JSON with one line per item of the `big` members, keys sorted."""
    parts = []
    for key in sorted(data):
        value = data[key]
        if key in big and isinstance(value, (list, dict)) and value:
            items = [f"  {_ONE(k)}: {_ONE(v)}" for k, v in value.items()] if isinstance(value, dict) else [f"  {_ONE(v)}" for v in value]
            open_, close = ("{", "}") if isinstance(value, dict) else ("[", "]")
            parts.append(f"{_ONE(key)}: {open_}\n" + ",\n".join(items) + f"\n {close}")
        else:
            parts.append(f"{_ONE(key)}: {_ONE(value)}")
    return "{\n " + ",\n ".join(parts) + "\n}\n"
