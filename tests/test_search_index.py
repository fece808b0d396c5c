"""The index format (gen/search/index.py): postings decoded back give every occurrence, exactly."""

from __future__ import annotations

import json
import os
import shutil
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gen.search.encode import bucket_of, put_deltas, put_varint, read_varint
from gen.search.extract import Section
from gen.search.fold import fold_table
from gen.search.index import NEW_PREFIX, IndexBuilder, Limits, _last_build, write_built, write_index
from gen.search.text import EDGE, is_cjk, normalise, tokens


def entries(data: bytes):
    """(key, page count or None for a small key, D length, P length, file number or -1, D, P) of
    every entry of a bucket file or of hot.z; D and P only for a small key (inside the entry)."""
    count, pos = read_varint(data, 0)
    for _ in range(count):
        head, pos = read_varint(data, pos)
        name = data[pos : pos + head // 2].decode()
        pos += head // 2
        if head % 2:
            df, pos = read_varint(data, pos)
            dlen, pos = read_varint(data, pos)
            plen, pos = read_varint(data, pos)
            fid, pos = read_varint(data, pos)
            yield name, df, dlen, plen, fid, b"", b""
        else:
            dlen, pos = read_varint(data, pos)
            plen, pos = read_varint(data, pos)
            yield name, None, dlen, plen, -1, data[pos : pos + dlen], data[pos + dlen : pos + dlen + plen]
            pos += dlen + plen


def decode(written, key):
    """(page, section, count, heading hits, positions or None) rows of one key, read like worker.js."""
    files, config = written.files, written.config
    for name, df, dlen, plen, fid, d, p in entries(zlib.decompress(files[f"b/{bucket_of(key, config['buckets'])}.z"])):
        if name != key:
            continue
        if df is not None:
            d = zlib.decompress(files[f"k/{fid}.d.z"])
            p = zlib.decompress(files[f"k/{fid}.p.z"]) if plen else b""
        rows, i, j, page = [], 0, 0, 0
        while i < len(d):
            gap, i = read_varint(d, i)
            page += gap
            v, i = read_varint(d, i)
            heads = sec = 0
            if v & 2:
                heads, i = read_varint(d, i)
            if v & 1:
                sec, i = read_varint(d, i)
            positions = None
            if p:
                positions, prev = [], 0
                for _ in range(v // 4):
                    delta, j = read_varint(p, j)
                    prev += delta
                    positions.append(prev)
            rows.append((page, sec, v // 4, heads, positions))
        return rows
    return []


def brute(pages, key):
    """The same rows computed directly from the token streams."""
    fold = fold_table()
    rows = []
    for pid, sections in enumerate(pages):
        for sec, (heading, blocks) in enumerate(sections):
            pos, found, head_end = 0, [], 0
            for n, block in enumerate([heading, *blocks]):
                toks = tokens(normalise(block, fold))
                for i, tok in enumerate(toks):
                    cjk = is_cjk(tok)
                    nxt = i + 1 < len(toks) and cjk and is_cjk(toks[i + 1])
                    prev = i > 0 and cjk and is_cjk(toks[i - 1])
                    keys = [tok] if not cjk else [tok] + ([tok + toks[i + 1]] if nxt else []) + ([EDGE + tok] if not (nxt and prev) else [])
                    if tok.isdecimal() and i + 1 < len(toks) and is_cjk(toks[i + 1]):
                        keys.append(tok + toks[i + 1])  # a number and the character after it
                    if key in keys:
                        found.append(pos + i)
                pos += len(toks) + 1
                if n == 0:
                    head_end = pos
            if found:
                heads = sum(1 for f in found if f < head_end)
                positions = None if (len(key) == 1 and is_cjk(key)) else found
                rows.append((pid, sec, len(found), heads, positions))
    return rows


def build(pages, limits=Limits(bucket_bytes=64, big_bytes=48)):
    builder = IndexBuilder(fold_table())
    for pid, sections in enumerate(pages):
        builder.add_page(f"p{pid}/", sections[0][0], [Section("" if i == 0 else f"s{i}", h, list(b)) for i, (h, b) in enumerate(sections)])
    return builder.build(limits)


PAGES = [
    [("核酸检测通知", ["石景山区开展核酸检测。", "外防输入、内防反弹"]), ("第二篇 四不两直", ["四不两直，核酸检测 KTV 2020年"])],
    [("復工復產", ["复工复产，封（管）控区外", "COVID-19 疫情"])],
    [("空", [])],
]


def test_index_rows_match_the_token_streams():
    written = build(PAGES)
    for key in ["核酸", "检测", "石景", "|年", "|区", "区", "ktv", "2020", "2020年", "复工", "复产", "控区", "covid", "疫情", "反弹", "19疫"]:
        assert decode(written, key) == brute(PAGES, key), key


def test_index_marks_heading_hits_and_sections():
    written = build(PAGES)
    rows = decode(written, "四不")
    assert rows == [(0, 1, 2, 1, rows[0][4])]  # page 0, section 1: once in the heading, once after
    assert decode(written, "复工")[0][:4] == (1, 0, 2, 1)  # traditional title folded


words = st.sampled_from(["核酸", "检测", "疫情", "防控", "復工", "KTV", "2020", "年", "，", " ", "石景山", "區", "3"])


texts = st.lists(words, max_size=8).map("".join)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.tuples(texts, st.lists(texts, max_size=3)), min_size=1, max_size=3), min_size=1, max_size=4))
def test_index_rows_match_for_any_pages(pages):
    written = build(pages)
    for key in ["核酸", "酸检", "疫", "|年", "ktv", "2020", "2020年", "3年", "20203", "32020", "3核", "复工", "区", "|区", "山区"]:
        assert decode(written, key) == brute(pages, key), key


def test_varints_and_deltas_round_trip():
    buf = bytearray()
    for v in (0, 1, 127, 128, 300, 2**21, 2**35):
        put_varint(buf, v)
    pos, out = 0, []
    while pos < len(buf):
        v, pos = read_varint(buf, pos)
        out.append(v)
    assert out == [0, 1, 127, 128, 300, 2**21, 2**35]
    buf = bytearray()
    put_deltas(buf, [3, 200, 201, 5000])
    pos, prev, got = 0, 0, []
    while pos < len(buf):
        v, pos = read_varint(buf, pos)
        prev += v
        got.append(prev)
    assert got == [3, 200, 201, 5000]


def test_write_index_writes_the_stub_and_replaces_older_builds(tmp_path):
    old = tmp_path / "search" / "000000000000"
    old.mkdir(parents=True)
    written = build(PAGES)
    write_index(tmp_path / "search", written)
    stub = json.loads((tmp_path / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert stub["docs"] == [] and stub["config"]["archive"]["build"] == written.build
    assert not old.exists()
    page = json.loads(zlib.decompress((tmp_path / "search" / written.build / "p" / "0.z").read_bytes()))
    assert page["t"] == "核酸检测通知" and page["s"] == [["s1", "第二篇 四不两直"]]
    assert written.build == build(PAGES).build  # the build id depends on the content only


def _tree(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_an_index_written_file_by_file_is_the_one_built_in_memory(tmp_path):
    """write_built shards straight to disk (a 100,000-page index is never held twice): the same
    files, stub and statistics as building in memory, and a killed build's half-written folder
    is dropped."""
    pages = PAGES * 40
    limits = Limits(bucket_bytes=256, big_bytes=96)
    written = _builder(pages).build(limits, max_results=7)
    write_index(tmp_path / "a", written)
    (tmp_path / "b" / f"{NEW_PREFIX}12345" / "b").mkdir(parents=True)
    stats = write_built(tmp_path / "b", _builder(pages), limits, max_results=7)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == sorted([written.build, "search_index.json"])
    assert stats == written.stats and stats.files == len(written.files)
    assert stats.total_bytes == sum(len(v) for v in written.files.values())
    write_built(tmp_path / "b", _builder(pages), limits, max_results=7)  # the same build again: kept as it is
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_files_equal_to_the_last_builds_are_linked_from_it_not_written(tmp_path, monkeypatch):
    """With the digests kept (write_built's `kept`), a build after one changed page links its
    unchanged files from the last build's folder: the files are those of a fresh write, most are
    the last build's very files, and the last build's folder goes."""
    pages = PAGES * 40
    limits = Limits(bucket_bytes=256, big_bytes=96)
    kept = tmp_path / "cache" / "files.pickle"
    kept.parent.mkdir()
    root = tmp_path / "search"
    write_built(root, _builder(pages), limits, kept=kept)
    first = next(p for p in root.iterdir() if p.is_dir())
    inodes = {p.relative_to(first): p.stat().st_ino for p in first.rglob("*") if p.is_file()}
    changed = [list(sec) for sec in pages]
    changed[3] = [(changed[3][0][0], [*changed[3][0][1], "补充一句。"]), *changed[3][1:]]
    builder, compressed = _builder(changed), []
    real_compress = zlib.compress
    monkeypatch.setattr(zlib, "compress", lambda data, level=-1: compressed.append(1) or real_compress(data, level))
    stats = write_built(root, builder, limits, kept=kept)
    monkeypatch.undo()
    assert stats == write_built(tmp_path / "fresh", _builder(changed), limits)  # sizes of linked files included
    assert _tree(root) == _tree(tmp_path / "fresh")
    postings = [name for name in _tree(root) if "/" in name and name.split("/")[1] != "p"]  # the files compressed when written
    assert 0 < len(compressed) < len(postings) / 4  # only the ones that changed were
    second = next(p for p in root.iterdir() if p.is_dir())
    assert second != first and not first.exists()
    same = [rel for rel, ino in inodes.items() if (second / rel).exists() and (second / rel).stat().st_ino == ino]
    assert len(same) > len(inodes) / 2 and (second / "p" / "3.z").stat().st_ino != inodes.get(Path("p/3.z"))
    kept.write_bytes(b"damaged")  # unreadable digests: every file is written
    assert write_built(root, _builder(pages), limits, kept=kept) == write_built(tmp_path / "fresh2", _builder(pages), limits)
    assert _tree(root) == _tree(tmp_path / "fresh2")


def test_an_index_written_in_place_takes_over_the_last_builds_folder(tmp_path):
    """`in_place` (a `mkdocs build`, whose site folder nobody reads meanwhile): the last build's
    folder becomes the new one. Its unchanged files stay as they are; a changed file is a new
    file (a link to the old one elsewhere keeps the old bytes); a file the digests name but that
    was removed since is written; the files the new build lacks go. The files are those of a
    fresh write, and the digests kept describe the new folder."""
    pages = PAGES * 40
    limits = Limits(bucket_bytes=256, big_bytes=96)
    kept, root = tmp_path / "files.pickle", tmp_path / "search"
    write_built(root, _builder(pages), limits, kept=kept)
    first = next(p for p in root.iterdir() if p.is_dir())
    inodes = {p.relative_to(first): p.stat().st_ino for p in first.rglob("*") if p.is_file()}
    os.link(first / "p" / "3.z", tmp_path / "elsewhere.z")
    old_page = (first / "p" / "3.z").read_bytes()
    removed = sorted(first.rglob("b/*.z"))[0].relative_to(first)
    (first / removed).unlink()
    changed = [list(sec) for sec in pages]
    changed[3] = [(changed[3][0][0], [*changed[3][0][1], "补充一句。"]), *changed[3][1:]]
    changed = changed[:-1]
    stats = write_built(root, _builder(changed), limits, kept=kept, in_place=True)
    assert stats == write_built(tmp_path / "fresh", _builder(changed), limits)
    assert _tree(root) == _tree(tmp_path / "fresh")
    second = next(p for p in root.iterdir() if p.is_dir())
    assert second != first and not first.exists() and [p.name for p in root.iterdir() if p.is_dir()] == [second.name]
    same = [rel for rel, ino in inodes.items() if (second / rel).exists() and (second / rel).stat().st_ino == ino]
    assert len(same) > len(inodes) / 2
    assert (tmp_path / "elsewhere.z").read_bytes() == old_page != (second / "p" / "3.z").read_bytes()
    assert (second / removed).is_file()
    assert _last_build(root, kept)[0] == second
    write_built(root, _builder(changed), limits, kept=kept, in_place=True)  # nothing changed: the same folder and files
    assert _tree(root) == _tree(tmp_path / "fresh")
    assert all((second / rel).stat().st_ino == ino for rel, ino in inodes.items() if rel in same)


def test_a_build_stopped_while_it_takes_the_last_folder_over_leaves_the_next_build_whole(tmp_path, monkeypatch):
    """A build stopped half way through taking the last build's folder over (killed: nothing of it
    cleans up) leaves that folder renamed and half replaced: the next build finds no last build
    (the digests name a folder that is gone), writes every file, and removes what was left."""
    pages = PAGES * 40
    limits = Limits(bucket_bytes=256, big_bytes=96)
    kept, root = tmp_path / "files.pickle", tmp_path / "search"
    write_built(root, _builder(pages), limits, kept=kept)
    changed = [list(sec) for sec in pages]
    for n in (3, 50, 90):
        changed[n] = [(changed[n][0][0], [*changed[n][0][1], "补充一句。"]), *changed[n][1:]]
    real, calls = Path.write_bytes, []

    def killed(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt  # stands for SIGKILL: no handler of _write runs after it
        return real(path, data)

    monkeypatch.setattr(Path, "write_bytes", killed)
    with pytest.raises(KeyboardInterrupt):
        write_built(root, _builder(changed), limits, kept=kept, in_place=True)
    monkeypatch.undo()
    assert any(p.name.startswith(NEW_PREFIX) for p in root.iterdir())
    write_built(root, _builder(changed), limits, kept=kept, in_place=True)
    write_built(tmp_path / "fresh", _builder(changed), limits)
    assert _tree(root) == _tree(tmp_path / "fresh")
    assert not any(p.name.startswith(NEW_PREFIX) for p in root.iterdir())


@pytest.mark.parametrize("in_place", [False, True])
def test_pages_renumbered_by_a_new_page_keep_their_files(tmp_path, in_place):
    """A page added before the others gives every later page a new number, so its page-store
    files a new name: the last build's file of the same content is linked under it, not written
    (also where the last build's folder is taken over, and that very file was replaced first)."""
    def builder(named):
        b = IndexBuilder(fold_table())
        for url, sections in named:
            b.add_page(url, sections[0][0], [Section("" if i == 0 else f"s{i}", h, list(t)) for i, (h, t) in enumerate(sections)])
        return b

    pages = [(f"doc{i}/", PAGES[i % len(PAGES)]) for i in range(30)]
    limits = Limits(bucket_bytes=256, big_bytes=96)
    kept, root = tmp_path / "files.pickle", tmp_path / "search"
    write_built(root, builder(pages), limits, kept=kept)
    first = next(p for p in root.iterdir() if p.is_dir())
    inodes = {p.name: p.stat().st_ino for p in (first / "p").iterdir()}
    added = [("new/", PAGES[0]), *pages]
    write_built(root, builder(added), limits, kept=kept, in_place=in_place)
    write_built(tmp_path / "fresh", builder(added), limits)
    assert [p.name for p in root.iterdir() if p.is_dir()] == [next(p for p in root.iterdir() if p.is_dir()).name]
    assert _tree(root) == _tree(tmp_path / "fresh")
    second = next(p for p in root.iterdir() if p.is_dir())
    moved = [name for name in inodes if "-" not in name]
    assert moved and all((second / "p" / f"{int(name[:-2]) + 1}.z").stat().st_ino == inodes[name] for name in moved)


def test_digests_kept_for_another_folder_are_not_used(tmp_path):
    """The digests describe the folder they were written for (`mkdocs serve` writes its own)."""
    pages = PAGES * 40
    limits = Limits(bucket_bytes=256, big_bytes=96)
    kept = tmp_path / "files.pickle"
    write_built(tmp_path / "preview", _builder(pages), limits, kept=kept)
    shutil.copytree(tmp_path / "preview", tmp_path / "site")  # the same build's folder is there too
    assert _last_build(tmp_path / "site", kept) == (None, {})
    last, files = _last_build(tmp_path / "preview", kept)
    assert last is not None and last.parent == tmp_path / "preview" and files


def test_a_file_gone_from_the_last_build_is_written_instead_of_linked(tmp_path):
    pages = PAGES * 40
    limits = Limits(bucket_bytes=256, big_bytes=96)
    kept = tmp_path / "files.pickle"
    root = tmp_path / "search"
    write_built(root, _builder(pages), limits, kept=kept)
    first = next(p for p in root.iterdir() if p.is_dir())
    gone = {path.relative_to(first): path.read_bytes() for path in sorted(first.rglob("*.z"))[::3]}
    for rel in gone:  # the digests still say they are there
        (first / rel).unlink()
    stats = write_built(root, _builder(pages[:-1]), limits, kept=kept)
    assert stats == write_built(tmp_path / "fresh", _builder(pages[:-1]), limits)
    assert _tree(root) == _tree(tmp_path / "fresh")
    second = next(p for p in root.iterdir() if p.is_dir())
    assert any((second / rel).read_bytes() == data for rel, data in gone.items() if (second / rel).exists())  # unchanged, so made again


def test_a_file_that_cannot_be_written_fails_the_index_and_keeps_the_last(tmp_path, monkeypatch):
    limits = Limits(bucket_bytes=256, big_bytes=96)
    root = tmp_path / "search"
    write_built(root, _builder(PAGES), limits)
    stub = (root / "search_index.json").read_bytes()
    real = Path.write_bytes

    def full(path, data):
        if path.name == "2.z":
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(OSError, match="No space"):
        write_built(root, _builder(PAGES * 2), limits)
    assert (root / "search_index.json").read_bytes() == stub


def _builder(pages, first_pid=0):
    builder = IndexBuilder(fold_table())
    for pid, sections in enumerate(pages, start=first_pid):
        builder.add_page(f"p{pid}/", sections[0][0], [Section("" if i == 0 else f"s{i}", h, list(b)) for i, (h, b) in enumerate(sections)])
    return builder


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.tuples(texts, st.lists(texts, max_size=3)), min_size=1, max_size=3), min_size=1, max_size=6),
       st.integers(min_value=0, max_value=6))
def test_two_halves_absorbed_build_the_same_index_as_one_builder(pages, cut):
    """The index of pages indexed in two processes, one for each half, then joined, is byte for byte
    the index of one builder (gen/search/sink.SplitSink)."""
    cut = min(cut, len(pages))
    limits = Limits(bucket_bytes=64, big_bytes=48)
    whole = _builder(pages).build(limits)
    head, tail = _builder(pages[:cut]), _builder(pages[cut:], first_pid=cut)
    head.absorb(tail)
    joined = head.build(limits)
    assert joined.files == whole.files and joined.build == whole.build and joined.stats == whole.stats


def test_absorbing_real_pages_keeps_every_file():
    pages = PAGES * 40  # big keys (own files) and the page store's section files too
    limits = Limits(bucket_bytes=256, big_bytes=96)
    whole = _builder(pages).build(limits)
    head, tail = _builder(pages[:53]), _builder(pages[53:], first_pid=53)
    head.absorb(tail)
    joined = head.build(limits)
    assert any(name.startswith("k/") for name in whole.files) and any("-" in name for name in whole.files if name.startswith("p/"))
    assert joined.files == whole.files


def test_absorbing_joins_rows_whose_page_gaps_take_several_bytes():
    """Keys whose first row in the second half, or whose gap across the join, is 128 pages or
    more (varints of two bytes) join as if one builder had indexed every page."""
    rare = {3: "罕见词语", 150: "罕见词语", 310: "罕见词语", 399: "罕见词语", 100: "偶发", 200: "偶发"}
    pages = [[("标题", [f"第{i}条", rare.get(i, "寻常内容")])] for i in range(400)]
    limits = Limits(bucket_bytes=4096, big_bytes=1024)
    whole = _builder(pages).build(limits)
    for cut in (160, 101):
        head, tail = _builder(pages[:cut]), _builder(pages[cut:], first_pid=cut)
        head.absorb(tail)
        assert head.build(limits).files == whole.files, cut


def _big(data: bytes) -> dict[str, int]:
    """Key → page count of the big keys' entries of a bucket file (or of hot.z)."""
    return {name: df for name, df, *_ in entries(data) if df is not None}


def test_hot_holds_the_big_keys_on_most_pages_and_every_bucket_all_of_its_own():
    pages = [[(f"第{n}篇", ["疫情防控" * 20, "核酸检测" * 20 if n % 2 else "复工复产" * 20])] for n in range(6)]
    whole = build(pages, Limits(bucket_bytes=64, big_bytes=48))
    few = build(pages, Limits(bucket_bytes=64, big_bytes=48, hot_keys=2))
    everything = {}
    for name, data in whole.files.items():
        if name.startswith("b/"):
            everything.update(_big(zlib.decompress(data)))
    hot = _big(zlib.decompress(few.files["hot.z"]))
    assert len(everything) > 2 and _big(zlib.decompress(whole.files["hot.z"])) == everything
    assert len(hot) == 2
    assert min(hot.values()) >= max(df for k, df in everything.items() if k not in hot)
    assert {n: d for n, d in few.files.items() if n != "hot.z"} == {n: d for n, d in whole.files.items() if n != "hot.z"}
    for key in everything:  # found through its bucket, as before
        assert decode(few, key) == brute(pages, key), key
