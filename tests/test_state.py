"""The state file: parsed line by line, migrated from release 0.1, merged by git, recovered; pure."""

from __future__ import annotations

import datetime as dt
import json

from gen import state
from gen.model import Meta
from gen.state import Entry, Found, State
from tests.conftest import REPO

RELEASE_01 = REPO / "tests" / "fixtures" / "release-0.1"
META = Meta(page="archive/a.md", title="标题", date=dt.date(2020, 3, 1), district="海淀区", source=None, tags=("核酸检测",))


def _state() -> State:
    return State(pages={"archive/a.md": Entry("archive/a.md", "seeds/a.txt", "1" * 64, meta=META),
                        "archive/b.md": Entry("archive/b.md", "seeds/b.txt", "2" * 64, conflict="3" * 64, settled="5" * 64),
                        "archive/c.md": Entry("archive/c.md", "seeds/c.txt", "4" * 64, deleted=True, placed=True, gone=True)},
                 moved={"archive/2020/03/a.md": "archive/a.md"})


def test_dump_parse_round_trip_one_sorted_entry_per_line():
    text = state.dump(_state())
    lines = text.splitlines()
    assert json.loads(lines[0]) == {"format": state.FORMAT, "version": state.VERSION}
    assert [json.loads(line)["page"] for line in lines[1:4]] == ["archive/a.md", "archive/b.md", "archive/c.md"]
    assert json.loads(lines[4]) == {"moved": "archive/2020/03/a.md", "to": "archive/a.md"}
    back = state.parse(text, "s")
    assert back.pages == _state().pages and back.moved == _state().moved and not back.damaged


def test_parse_skips_a_broken_line_and_keeps_the_others():
    lines = state.dump(_state()).splitlines()
    lines[2] = lines[2][:-5]  # truncated
    back = state.parse("\n".join(lines), "docs/.gen/state.jsonl")
    assert set(back.pages) == {"archive/a.md", "archive/c.md"} and back.damaged
    assert back.notes[0].startswith("docs/.gen/state.jsonl:3: line skipped")


def test_parse_reads_through_git_conflict_markers_and_combines_both_sides():
    ours = Entry("archive/a.md", "seeds/a.txt", "1" * 64)
    theirs = Entry("archive/a.md", "seeds/a.txt", "9" * 64)
    header = state.dump(State()).strip()
    text = "\n".join([header, "<<<<<<< HEAD", state.dump(State(pages={"archive/a.md": ours})).splitlines()[1], "=======",
                      state.dump(State(pages={"archive/a.md": theirs})).splitlines()[1], ">>>>>>> branch", ""])
    entry = state.parse(text, "s").pages["archive/a.md"]
    assert set(entry.bases) == {"1" * 64, "9" * 64}


def test_parse_refuses_another_format_version_line():
    back = state.parse('{"format":"archive-generator-state","version":99}\n', "s")
    assert back.damaged and "version 99" in back.notes[0]


def test_parse_v1_both_layouts_give_the_same_state():
    multi = state.parse_v1((RELEASE_01 / "docs" / ".gen" / "state.json").read_text(encoding="utf-8"), "s")
    lines = state.parse_v1((RELEASE_01 / "state-one-line-per-page.json").read_text(encoding="utf-8"), "s")
    assert multi.pages == lines.pages and multi.legacy_indexes == lines.legacy_indexes
    assert len(multi.pages) == 5 and all(e.seed.startswith("seeds/") for e in multi.pages.values())
    assert "index.md" in multi.legacy_indexes and "timeline/index.md" in multi.legacy_indexes
    assert all(e.meta is not None for e in multi.pages.values())


def test_parse_v1_unreadable_is_damaged_not_an_exception():
    assert state.parse_v1('{"pages": {"archive/a.md": {"seed": "s"', "docs/.gen/state.json").damaged


def test_with_moves_follows_chains_and_drops_moves_from_standing_pages():
    moved = state.with_moves({"a.md": "b.md"}, {"b.md": "c.md"}, ["c.md"])
    assert moved == {"a.md": "c.md", "b.md": "c.md"}
    assert state.with_moves({"a.md": "b.md"}, {}, ["a.md", "b.md"]) == {}


def test_recover_untouched_edited_and_baseless_pages():
    bases = {"1" * 64: "seeds/a.txt", "2" * 64: "seeds/b.txt"}
    found = [Found("archive/a.md", "seeds/a.txt", "1" * 64),  # equal to a base: untouched
             Found("archive/b.md", "seeds/b.txt", "f" * 64),  # edited; its seed's one base
             Found("archive/c.md", "seeds/c.txt", "e" * 64)]  # no base at all
    pages = state.recover(State(), found, bases).pages
    assert pages["archive/a.md"].sha256 == "1" * 64
    assert pages["archive/b.md"].sha256 == "2" * 64
    assert pages["archive/c.md"].sha256 == state.UNKNOWN_BASE


def test_relocate_follows_a_page_the_editor_moved():
    st = State(pages={"archive/a.md": Entry("archive/a.md", "seeds/a.txt", "1" * 64)})
    moved = state.relocate(st, [Found("archive/renamed.md", "seeds/a.txt", "9" * 64)], {"archive/renamed.md"})
    entry = moved.pages["archive/renamed.md"]
    assert "archive/a.md" not in moved.pages and entry.placed and entry.sha256 == "1" * 64
    assert moved.moved == {"archive/a.md": "archive/renamed.md"}


def test_relocate_ignores_a_copy_while_the_page_stands():
    st = State(pages={"archive/a.md": Entry("archive/a.md", "seeds/a.txt", "1" * 64)})
    assert state.relocate(st, [Found("archive/copy.md", "seeds/a.txt", "1" * 64)], {"archive/a.md", "archive/copy.md"}) == st
