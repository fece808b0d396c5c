"""The plan of a build: page decisions, moves and the next state from plain records; pure."""

from __future__ import annotations

from gen import sync
from gen.identity import name_problem, page_of
from gen.model import Meta
from gen.plan import ABSENT, RETIRED, Seen, Want, plan
from gen.state import Entry, State
from gen.sync import Generated, digest

FM = '---\ntitle: "t"\nseed: "seeds/a.txt"\n---\n'
OLD, NEW, EDIT = FM + "一\n中\n二\n", FM + "一\n中\n二改\n", FM + "一改\n中\n二\n"


def _want(text: str = NEW, seed: str = "seeds/a.txt", page: str = "archive/a.md") -> Want:
    return Want(seed, Generated.of(text), Meta(page=page, title="t"))


def _seen(text: str | None) -> Seen:
    return ABSENT if text is None else Seen(digest(text), text)


def test_plan_new_page_is_written_and_remembered_with_its_record():
    p = plan({"archive/a.md": _want()}, frozenset(), State(), {"archive/a.md": ABSENT})
    (d,) = p.decisions
    assert (d.action, d.text, d.expect) == (sync.WRITE, NEW, None)
    entry = p.state.pages["archive/a.md"]
    assert (entry.seed, entry.sha256, entry.meta.page) == ("seeds/a.txt", digest(NEW), "archive/a.md")


def test_plan_moves_a_dated_page_with_its_edit_to_its_stable_path():
    st = State(pages={"archive/2020/03/a.md": Entry("archive/2020/03/a.md", "seeds/a.txt", digest(OLD))})
    seen = {"archive/2020/03/a.md": _seen(EDIT), "archive/a.md": ABSENT}
    p = plan({"archive/a.md": _want(OLD)}, frozenset(), st, seen)
    assert [(m.old, m.new, m.expect) for m in p.moves] == [("archive/2020/03/a.md", "archive/a.md", digest(EDIT))]
    by_page = p.by_page()
    assert by_page["archive/a.md"].action == sync.KEPT and by_page["archive/2020/03/a.md"].action == sync.MOVED
    assert set(p.state.pages) == {"archive/a.md"} and p.state.moved == {"archive/2020/03/a.md": "archive/a.md"}


def test_plan_keeps_a_deleted_page_deleted_across_the_move():
    st = State(pages={"archive/2020/03/a.md": Entry("archive/2020/03/a.md", "seeds/a.txt", digest(OLD), deleted=True)})
    p = plan({"archive/a.md": _want()}, frozenset(), st, {"archive/2020/03/a.md": ABSENT, "archive/a.md": ABSENT})
    assert not p.moves and p.by_page()["archive/a.md"].action == sync.DELETED
    assert p.state.pages["archive/a.md"].deleted


def test_plan_does_not_move_onto_a_file_that_stands_there():
    st = State(pages={"archive/2020/03/a.md": Entry("archive/2020/03/a.md", "seeds/a.txt", digest(OLD))})
    seen = {"archive/2020/03/a.md": _seen(OLD), "archive/a.md": _seen("# 手写\n")}
    p = plan({"archive/a.md": _want(OLD)}, frozenset(), st, seen)
    assert not p.moves and "cannot move" in p.problems[0].message
    assert p.by_page()["archive/a.md"].action == sync.FOREIGN


def test_plan_leaves_the_page_of_a_seed_that_failed_this_time():
    st = State(pages={"archive/a.md": Entry("archive/a.md", "seeds/a.txt", digest(OLD))})
    p = plan({}, frozenset({"seeds/a.txt"}), st, {"archive/a.md": _seen(OLD)})
    (d,) = p.decisions
    assert d.action == sync.KEPT and "could not be read" in d.reason
    assert p.state.pages == st.pages and not p.removals


def test_plan_removes_an_untouched_page_whose_seed_is_gone_and_counts_it():
    st = State(pages={"archive/a.md": Entry("archive/a.md", "seeds/a.txt", digest(OLD))})
    p = plan({}, frozenset(), st, {"archive/a.md": _seen(OLD)})
    assert [d.page for d in p.removals] == ["archive/a.md"] and p.removals[0].expect == digest(OLD)
    assert p.state.pages == {}


def test_plan_keeps_the_entry_of_an_edited_orphan_so_its_seed_can_return():
    st = State(pages={"archive/a.md": Entry("archive/a.md", "seeds/a.txt", digest(OLD))})
    p = plan({}, frozenset(), st, {"archive/a.md": _seen(EDIT)})
    assert p.decisions[0].action == sync.ORPHAN and p.state.pages["archive/a.md"].gone
    back = plan({"archive/a.md": _want()}, frozenset(), p.state, {"archive/a.md": Seen(digest(EDIT), EDIT, base=OLD)})
    assert back.decisions[0].action == sync.MERGED and not back.state.pages["archive/a.md"].gone


def test_plan_retires_untouched_legacy_index_pages_and_keeps_edited_ones():
    st = State(legacy_indexes={"index.md": Entry("index.md", "", digest("首页\n")), "tags.md": Entry("tags.md", "", digest("标签\n"))})
    p = plan({}, frozenset(), st, {"index.md": _seen("首页\n"), "tags.md": _seen("标签（改）\n")})
    by_page = p.by_page()
    assert (by_page["index.md"].action, by_page["index.md"].reason) == (sync.REMOVE, RETIRED)
    assert by_page["tags.md"].action == sync.KEPT and not p.removals and p.state.pages == {}


def test_plan_page_that_cannot_be_read_is_left_alone():
    st = State(pages={"archive/a.md": Entry("archive/a.md", "seeds/a.txt", digest(OLD))})
    p = plan({"archive/a.md": _want()}, frozenset(), st, {"archive/a.md": Seen("unreadable", error="is not UTF-8")})
    assert p.decisions[0].action == sync.KEPT and p.state.pages == st.pages


def test_page_of_keeps_sub_folders_and_drops_the_extension():
    assert page_of("003.txt") == "archive/003.md"
    assert page_of("2020/区报/a.html") == "archive/2020/区报/a.md"
    assert page_of("README") == "archive/README.md"


def test_name_problem_refuses_names_that_cannot_be_pages():
    for bad in ("a\nb.txt", "a\tb.txt", "a#b.txt", 'a"b.txt', "a?b.txt", "中" * 80 + ".txt", "sub/index.txt", " a.txt"):
        assert name_problem(bad), bad
    for good in ("a.txt", "2020/石景山报 第30期 (1).txt", "x-y_z.html"):
        assert name_problem(good) is None, good


def test_plan_proposes_the_change_to_a_page_made_from_another_version_of_its_seed():
    """After a git merge kept an edit of the page's earlier version while the state learnt the
    regenerated text: the known base is not the page's, so the generator's text is proposed."""
    stale = OLD.replace('seed: "seeds/a.txt"', 'seed: "seeds/a.txt"\nseed_sha256: "' + "a" * 64 + '"').replace("一", "一改")
    want = Want("seeds/a.txt", Generated.of(NEW), Meta(page="archive/a.md", title="t"), seed_sha256="b" * 64)
    st = State(pages={"archive/a.md": Entry("archive/a.md", "seeds/a.txt", digest(NEW))})
    p = plan({"archive/a.md": want}, frozenset(), st, {"archive/a.md": _seen(stale)})
    d = p.decisions[0]
    assert d.action == sync.CONFLICT and d.proposal == NEW and d.text is None
    fresh = stale.replace("a" * 64, "b" * 64)
    assert plan({"archive/a.md": want}, frozenset(), st, {"archive/a.md": _seen(fresh)}).decisions[0].action == sync.KEPT
