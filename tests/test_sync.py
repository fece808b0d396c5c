from gen import sync
from gen.merge import MINE, THEIRS, Merged, merge3
from gen.sync import Generated, Known, decide, digest

FM = '---\ntitle: "t"\n---\n'
OLD = FM + "一\n二\n三\n"
NEW = FM + "一\n二\n三改\n"
EDIT = FM + "一改\n二\n三\n"


def _decide(new, on_disk, written=None, base=None, **known):
    new = Generated.of(new) if new is not None else None
    return decide("p.md", new, on_disk, Known(sha256=digest(written) if written else None, **known), base, False)


def test_decide_new_page_is_written():
    assert _decide(NEW, None).action == sync.WRITE


def test_decide_untouched_page_is_regenerated():
    d = _decide(NEW, OLD, OLD)
    assert (d.action, d.text, d.base) == (sync.WRITE, NEW, NEW)


def test_decide_identical_page_is_unchanged_and_adopted():
    d = _decide(OLD, OLD, None)
    assert (d.action, d.text, d.base) == (sync.UNCHANGED, None, OLD)  # nothing written; remembered as ours


def test_decide_edited_page_is_kept_when_output_unchanged():
    assert _decide(OLD, EDIT, OLD).action == sync.KEPT


def test_decide_edited_page_merges_other_lines():
    d = _decide(NEW, EDIT, OLD, base=OLD)
    assert d.action == sync.MERGED and d.text == FM + "一改\n二\n三改\n" and d.base == NEW


def test_decide_edited_page_conflicts_on_the_same_line():
    d = _decide(NEW, FM + "一\n二\n三（编辑）\n", OLD, base=OLD)
    assert d.action == sync.CONFLICT and d.text is None
    assert "<<<<<<<" in d.proposal and "三（编辑）" in d.proposal and "三改" in d.proposal and "三改" in d.diff


def test_decide_conflict_settled_when_proposal_removed():
    d = decide("p.md", Generated.of(NEW), EDIT, Known(sha256=digest(OLD), conflict=digest(NEW)), OLD, proposal_exists=False)
    assert d.action == sync.KEPT and d.base == NEW
    d = decide("p.md", Generated.of(NEW), EDIT, Known(sha256=digest(OLD), conflict=digest(NEW)), OLD, proposal_exists=True)
    assert d.action == sync.MERGED


def test_decide_deleted_page_is_not_recreated_and_reported_once():
    first = _decide(NEW, None, OLD)
    again = _decide(NEW, None, OLD, deleted=True)
    assert first.action == again.action == sync.DELETED and not first.quiet and again.quiet


def test_decide_foreign_file_is_not_touched():
    assert _decide(NEW, EDIT, None).action == sync.FOREIGN


def test_decide_gone_seed_removes_untouched_page_and_keeps_edited():
    assert _decide(None, OLD, OLD).action == sync.REMOVE
    assert _decide(None, EDIT, OLD).action == sync.ORPHAN


def test_merge3_takes_each_sides_changes():
    assert merge3("a\nb\nc\n", "A\nb\nc\n", "a\nb\nC\n").text == "A\nb\nC\n"
    assert merge3("a\nb\nc\n", "a\nb\nc\nd\n", "a\nb\nc\n").text == "a\nb\nc\nd\n"
    assert merge3("a\nb\nc\n", "a\nc\n", "a\nb\nc\ne\n").text == "a\nc\ne\n"


def test_merge3_same_change_on_both_sides_is_clean():
    assert merge3("a\nb\n", "a\nB\n", "a\nB\n") == Merged("a\nB\n", 0)
    assert merge3("a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nB\nc\nD\n") == Merged("a\nB\nc\nD\n", 0)


def test_merge3_conflict_has_markers():
    merged = merge3("a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n")
    assert merged == Merged(f"a\n<<<<<<< {MINE}\nX\n=======\nY\n>>>>>>> {THEIRS}\nc\n", 1)


def test_proposal_path_is_hidden_beside_the_page():
    assert sync.proposal_path("archive/2020/04/x.md") == "archive/2020/04/.x.proposed.md"


def test_decide_page_matching_any_base_a_merge_left_is_untouched():
    d = decide("p.md", Generated.of(NEW), OLD, Known(sha256=digest(EDIT), also=(digest(OLD),)), None, False)
    assert (d.action, d.text) == (sync.WRITE, NEW)


def test_decide_page_known_by_hash_alone_needs_no_text():
    d = decide("p.md", Generated(digest(NEW)), "", Known(sha256=digest(NEW)), None, False, disk_sha=digest(NEW))
    assert (d.action, d.base_sha) == (sync.UNCHANGED, digest(NEW))


def test_decide_write_without_the_text_fails_loudly():
    try:
        decide("p.md", Generated(digest(NEW)), OLD, Known(sha256=digest(OLD)), None, False)
    except ValueError as exc:
        assert "not fetched" in str(exc)
    else:
        raise AssertionError("a write without the text must not pass")


def test_decide_edited_orphan_is_reported_once():
    first = _decide(None, EDIT, OLD)
    again = _decide(None, EDIT, OLD, gone=True)
    assert first.action == again.action == sync.ORPHAN and not first.quiet and again.quiet


def test_merge3_same_lines_changed_at_different_characters_merge_by_character():
    base, mine, theirs = "一\n防控,要\n三\n", "一\n防控工作要点,要\n三\n", "一\n防控,要求\n三\n"
    assert merge3(base, mine, theirs) == Merged("一\n防控工作要点,要求\n三\n", 0)


def test_merge3_same_characters_changed_differently_still_conflict():
    merged = merge3("一\n防控,要\n三\n", "一\n防控;要\n三\n", "一\n防控，要\n三\n")
    assert merged.conflicts == 1 and "防控;要" in merged.text and "防控，要" in merged.text
