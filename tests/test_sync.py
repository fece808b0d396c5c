from gen import sync
from gen.sync import decide, digest

OLD, NEW, EDIT = "old\n", "new\n", "edited\n"


def test_decide_new_page_is_written():
    assert decide("p", NEW, None, None).action == sync.WRITE


def test_decide_untouched_page_is_regenerated():
    assert decide("p", NEW, OLD, digest(OLD)).action == sync.WRITE


def test_decide_identical_page_is_unchanged():
    assert decide("p", OLD, OLD, digest(OLD)).action == sync.UNCHANGED


def test_decide_edited_page_is_kept_when_output_unchanged():
    assert decide("p", OLD, EDIT, digest(OLD)).action == sync.KEPT


def test_decide_edited_page_is_kept_when_output_changed():
    assert decide("p", NEW, EDIT, digest(OLD)).action == sync.KEPT


def test_decide_deleted_page_is_not_recreated():
    assert decide("p", NEW, None, digest(OLD)).action == sync.DELETED


def test_decide_foreign_file_is_not_touched():
    assert decide("p", NEW, EDIT, None).action == sync.FOREIGN


def test_decide_gone_seed_removes_untouched_page_and_keeps_edited():
    assert decide("p", None, OLD, digest(OLD)).action == sync.REMOVE
    assert decide("p", None, EDIT, digest(OLD)).action == sync.ORPHAN
