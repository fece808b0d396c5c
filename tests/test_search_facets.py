"""Facets for filtering and sorting search results (gen/search/facets.py): read from front matter,
written to `f.z`, read back like worker.js reads them."""

from __future__ import annotations

import datetime as dt
import pickle
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from gen.search.encode import read_varint
from gen.search.extract import Section
from gen.search.facets import EPOCH, Facets, FacetTable, facets_of
from gen.search.fold import fold_table
from gen.search.index import IndexBuilder
from gen.search.plugin import _load_pages


def decode(data: bytes) -> dict:
    """f as worker.js's parseFacets reads it: names, and per page district, source, date, tags."""
    pos = 0

    def varint():
        nonlocal pos
        value, pos = read_varint(data, pos)
        return value

    n = varint()
    names = {}
    for field in ("district", "source", "tags"):
        names[field] = []
        for _ in range(varint()):
            length = varint()
            names[field].append(data[pos : pos + length].decode("utf-8"))
            pos += length
    district = [varint() for _ in range(n)]
    source = [varint() for _ in range(n)]
    dates, value = [], 0
    for _ in range(n):
        z = varint()
        value += -(z + 1) // 2 if z & 1 else z // 2
        dates.append(EPOCH + dt.timedelta(days=value - 1) if value else None)
    tags = [[] for _ in range(n)]
    for tag in names["tags"]:
        pid = 0
        for _ in range(varint()):
            pid += varint()
            tags[pid].append(tag)
    assert pos == len(data)
    pages = [
        Facets(names["district"][d - 1] if d else "", names["source"][s - 1] if s else "", day, tuple(t))
        for d, s, day, t in zip(district, source, dates, tags)
    ]
    return {"names": names, "pages": pages}


def test_facets_of_reads_the_front_matter_fields():
    meta = {"date": dt.date(2022, 6, 1), "district": "石景山区", "source": "新京报", "tags": ["核酸检测", "高考", "核酸检测"]}
    assert facets_of(meta) == Facets("石景山区", "新京报", dt.date(2022, 6, 1), ("核酸检测", "高考"))


def test_facets_of_takes_iso_strings_and_leaves_out_what_it_cannot_read():
    assert facets_of({"date": "2020-03-05"}).date == dt.date(2020, 3, 5)
    assert facets_of({"date": dt.datetime(2020, 3, 5, 8, 0)}).date == dt.date(2020, 3, 5)
    assert facets_of({"date": "2月5日", "district": 7, "tags": "核酸检测", "source": None}) == Facets()
    assert facets_of({"tags": ["", " 高考 ", 3]}).tags == ("高考",)
    assert facets_of(None) == Facets()


def test_facets_round_trip_through_json():
    facets = Facets("海淀区", "新京报", dt.date(2021, 1, 2), ("高考",))
    assert facets_of(facets.to_json()) == facets


def test_facet_table_round_trips_and_merges_spellings():
    table = FacetTable(fold_table())
    pages = [
        Facets("海淀区", "Reuters", dt.date(2020, 1, 23), ("核酸检测",)),
        Facets("", "REUTERS", None, ()),
        Facets("海淀区", "Reuters", dt.date(2019, 12, 31), ("核酸检测", "復工復產")),
        Facets("北京市", "新京报", dt.date(2022, 12, 31), ("复工复产",)),
        Facets("", "", dt.date(1999, 1, 1), ()),  # before EPOCH: no date
    ]
    for page in pages:
        table.add(page)
    got = decode(table.encode())
    assert sorted(got["names"]["source"]) == ["Reuters", "新京报"]  # the most frequent spelling
    assert sorted(got["names"]["tags"]) == ["复工复产", "核酸检测"]  # a tie goes to the spelling first in code point order
    assert [p.district for p in got["pages"]] == ["海淀区", "", "海淀区", "北京市", ""]
    assert [p.source for p in got["pages"]] == ["Reuters", "Reuters", "Reuters", "新京报", ""]
    assert [p.date for p in got["pages"]] == [dt.date(2020, 1, 23), None, dt.date(2019, 12, 31), dt.date(2022, 12, 31), None]
    assert [sorted(p.tags) for p in got["pages"]] == [["核酸检测"], [], ["复工复产", "核酸检测"], ["复工复产"], []]


names = st.sampled_from(["", "海淀区", "朝阳区", "新京报", "人民日报", "核酸检测", "高考", "BBC", "bbc"])
dates = st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(names, names, dates, st.lists(names, max_size=4)), max_size=40))
def test_facet_table_decodes_to_what_was_added(rows):
    fold = fold_table()
    table = FacetTable(fold)
    pages = [facets_of({"district": d, "source": s, "date": day, "tags": tags}) for d, s, day, tags in rows]
    for page in pages:
        table.add(page)
    got = decode(table.encode())["pages"]
    assert len(got) == len(pages)
    low = str.lower
    for a, b in zip(pages, got):
        assert (low(a.district), low(a.source), a.date) == (low(b.district), low(b.source), b.date)
        assert set(map(low, a.tags)) == set(map(low, b.tags))  # spellings of one tag are one value


def test_index_writes_the_facets_in_page_order():
    builder = IndexBuilder(fold_table())
    builder.add_page("a/", "甲", [Section("", "甲", ["正文"])], Facets(source="新京报", date=dt.date(2020, 2, 2)))
    builder.add_page("b/", "乙", [Section("", "乙", ["正文"])])
    written = builder.build()
    got = decode(zlib.decompress(written.files["f.z"]))["pages"]
    assert got == [Facets(source="新京报", date=dt.date(2020, 2, 2)), Facets()]
    assert written.stats.facet_bytes == len(written.files["f.z"])


def test_page_cache_from_before_facets_is_read_with_none(tmp_path):
    store = tmp_path / "search-pages.pickle"
    store.write_bytes(pickle.dumps({"a/": ("甲", "<p>正文</p>"), "b/": ("乙", "<p>x</p>", {"source": "新京报"}), "c/": "junk"}))
    assert _load_pages(store) == {"a/": ("甲", "<p>正文</p>", {}), "b/": ("乙", "<p>x</p>", {"source": "新京报"})}
