"""The index pages kept between builds (gen/site/kept_indexes.py): read back only when made from
the same input, else made again."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from gen.indexes import MIN_PAGE_SIZE, render_indexes
from gen.model import Meta
from gen.site import kept_indexes

VERSION = "code-1"


def _metas(n: int = 60) -> list[Meta]:
    districts, sources = ("海淀区", "朝阳区", None), ("新京报", "北京日报", None)
    return [Meta(page=f"archive/d{i:03d}.md", title=f"文件{i}", date=dt.date(2020, 1 + i % 12, 1 + i % 28) if i % 7 else None,
                 district=districts[i % 3], source=sources[i % 3], tags=("核酸检测",) if i % 4 == 0 else ())
            for i in range(n)]


@pytest.fixture
def counted(monkeypatch) -> list[int]:
    """How many times the index pages are made (rather than read)."""
    made = []
    monkeypatch.setattr(kept_indexes, "render_indexes", lambda *a, **k: made.append(1) or render_indexes(*a, **k))
    return made


def test_the_same_input_reads_the_pages_made_before(tmp_path, counted):
    kept, metas = tmp_path / kept_indexes.NAME, _metas()
    first = kept_indexes.made(metas, MIN_PAGE_SIZE, True, kept, VERSION)
    assert first == render_indexes(metas, page_size=MIN_PAGE_SIZE) and len(first) > 5
    assert kept.is_file() and len(counted) == 1
    assert kept_indexes.made(list(metas), MIN_PAGE_SIZE, True, kept, VERSION) == first
    assert len(counted) == 1  # read, not made


@pytest.mark.parametrize("change", [
    lambda m: replace(m, title=m.title + "（更正）"),
    lambda m: replace(m, date=dt.date(2021, 5, 6)),
    lambda m: replace(m, date=None),
    lambda m: replace(m, district="朝阳区" if m.district != "朝阳区" else "海淀区"),
    lambda m: replace(m, source="人民日报"),
    lambda m: replace(m, tags=(*m.tags, "复工复产")),
    lambda m: replace(m, page="archive/moved.md"),
])
def test_any_change_to_a_record_makes_the_pages_again(tmp_path, counted, change):
    kept, metas = tmp_path / kept_indexes.NAME, _metas()
    kept_indexes.made(metas, MIN_PAGE_SIZE, True, kept, VERSION)
    changed = [*metas[:17], change(metas[17]), *metas[18:]]
    assert kept_indexes.made(changed, MIN_PAGE_SIZE, True, kept, VERSION) == render_indexes(changed, page_size=MIN_PAGE_SIZE)
    assert len(counted) == 2


def test_settings_code_and_libraries_are_part_of_the_input(tmp_path, counted, monkeypatch):
    kept, metas = tmp_path / kept_indexes.NAME, _metas()
    kept_indexes.made(metas, MIN_PAGE_SIZE, True, kept, VERSION)
    assert kept_indexes.made(metas, MIN_PAGE_SIZE + 1, True, kept, VERSION) == render_indexes(metas, page_size=MIN_PAGE_SIZE + 1)
    assert kept_indexes.made(metas, MIN_PAGE_SIZE + 1, False, kept, VERSION) == render_indexes(
        metas, page_size=MIN_PAGE_SIZE + 1, directory_urls=False)
    kept_indexes.made(metas, MIN_PAGE_SIZE + 1, False, kept, "code-2")
    monkeypatch.setattr(kept_indexes, "_libraries", lambda: ("pypinyin 99",))
    kept_indexes.made(metas, MIN_PAGE_SIZE + 1, False, kept, "code-2")
    assert len(counted) == 5
    kept_indexes.made(metas, MIN_PAGE_SIZE + 1, False, kept, "code-2")
    assert len(counted) == 5


@pytest.mark.parametrize("damage", [
    lambda data: data[:40], lambda data: b"", lambda data: b"not a pickle", lambda data: b"\x80\x05K\x01.",
    lambda data: bytes(range(7, 250, 3)),
], ids=["truncated", "empty", "text", "another layout", "noise"])
def test_a_damaged_kept_file_is_made_again_and_replaced(tmp_path, counted, damage):
    kept, metas = tmp_path / kept_indexes.NAME, _metas()
    kept_indexes.made(metas, MIN_PAGE_SIZE, True, kept, VERSION)
    kept.write_bytes(damage(kept.read_bytes()))
    assert kept_indexes.made(metas, MIN_PAGE_SIZE, True, kept, VERSION) == render_indexes(metas, page_size=MIN_PAGE_SIZE)
    assert kept_indexes.made(metas, MIN_PAGE_SIZE, True, kept, VERSION) == render_indexes(metas, page_size=MIN_PAGE_SIZE)
    assert len(counted) == 2  # made again once, then read


def test_a_folder_that_cannot_be_written_only_costs_the_making(tmp_path, counted):
    blocked = tmp_path / "file"
    blocked.write_text("x", encoding="utf-8")
    metas = _metas()
    for _ in range(2):
        assert kept_indexes.made(metas, MIN_PAGE_SIZE, True, blocked / kept_indexes.NAME, VERSION) == render_indexes(
            metas, page_size=MIN_PAGE_SIZE)
    assert len(counted) == 2
