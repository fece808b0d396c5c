"""Segments of the search index kept between builds (gen/search/segments.py, gen/search/sink.py):
the index written is byte for byte the one made without them, and only changed segments are indexed."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import random
import shutil
import signal
import threading
import time
import zlib
from dataclasses import asdict
from pathlib import Path

import pytest

from gen.fs import STALE_TMP_SECONDS, TMP_PREFIX
from gen.search.extract import extract_sections
from gen.search.facets import Facets
from gen.search.fold import fold_table
from gen.search.index import IndexBuilder, Limits
from gen.search.segments import (
    GROUP, SUFFIX, Page, Report, Segmenter, decode_segment, encode_segment, ends_segment, group_digest,
    body_digest, index_pages, load_segment, salt_of, segment_digest, sweep, unused_files,
)
from gen.search.sink import ChildSink, HtmlPart, LocalSink, SearchBuildError, SplitSink

EVERY = 16  # pages per segment on average, so that a few hundred pages make a dozen or more
LIMITS = Limits(bucket_bytes=1024, big_bytes=512)  # small shards: buckets, big keys and hot entries all occur

PHRASES = ["核酸检测", "疫情防控", "复工复产", "社区封控", "隔离观察", "疫苗接种", "新冠肺炎", "常态化防控", "流行病学调查",
           "密切接触者", "健康码", "外防输入、内防反弹", "四不两直", "封（管）控区", "檢測結果", "區政府", "COVID-19", "KTV",
           "2022年3月", "第十五场新闻发布会", "志愿者", "物资保障", "中高风险地区"]
DISTRICTS = ["朝阳区", "海淀区", "石景山区", "丰台区", ""]
SOURCES = ["北京日报", "新华社", "Reuters", "REUTERS", ""]
TAGS = ["核酸检测", "复工复产", "疫苗", "隔离", "社区防控"]


def _sentence(rng: random.Random) -> str:
    return "，".join(rng.choice(PHRASES) for _ in range(rng.randint(2, 5))) + "。"


def _page(i: int, rng: random.Random) -> Page:
    """A document page as the archive renders it: paragraphs, a list, a table, sections at <h2>."""
    parts = [f"<p>{_sentence(rng)}{_sentence(rng)}</p>"]
    if rng.random() < 0.5:
        parts.append("<ul>" + "".join(f"<li>{_sentence(rng)}</li>" for _ in range(rng.randint(1, 3))) + "</ul>")
    for s in range(rng.randint(0, 2)):
        parts.append(f'<h2 id="s{s + 1}">第{s + 1}篇 {rng.choice(PHRASES)}<a class="headerlink" href="#s{s + 1}">¶</a></h2>')
        parts.append(f"<p>{_sentence(rng)} &amp; {_sentence(rng)}</p>")
        if rng.random() < 0.3:
            parts.append(f"<table><tr><td>{rng.choice(PHRASES)}</td><td>{rng.randint(1, 500)}例</td></tr></table>")
    date = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 1000))
    facets = Facets(rng.choice(DISTRICTS), rng.choice(SOURCES), date, tuple(rng.sample(TAGS, rng.randint(0, 2))))
    return Page(f"archive/{i:04d}_{rng.getrandbits(32):08x}/", f"{rng.choice(PHRASES)}（{i}）", "".join(parts), facets)


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    rng = random.Random(20200123)
    return [_page(i, rng) for i in range(300)]


def _index(sink, pages: list[Page], root: Path):
    for p in pages:
        sink.add(p.url, p.title, p.html, p.facets)
    return sink.finish(root)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _cut(pages: list[Page], every: int = EVERY) -> list[tuple[Page, ...]]:
    """The segments of a stream, cut where the pages say."""
    segments, run = [], []
    for p in pages:
        run.append(p)
        if ends_segment(p.url, every):
            segments.append(tuple(run))
            run = []
    return segments + ([tuple(run)] if run else [])


def _groups(pages: list[Page], every: int = EVERY) -> list[list[tuple[Page, ...]]]:
    """The groups of segments of a stream, cut where the pages say."""
    groups, run = [], []
    for segment in _cut(pages, every):
        run.append(segment)
        if ends_segment(segment[-1].url, every * GROUP):
            groups.append(run)
            run = []
    return groups + ([run] if run else [])


def _edited(pages: list[Page]) -> tuple[list[Page], list[int]]:
    """One page's HTML changed, one page added in the middle, one removed; the indexes of the
    pages touched, none ending a segment (so each touches only the segment it is in)."""
    changed, added_after, removed = 40, 150, 250
    assert not any(ends_segment(pages[i].url, EVERY) for i in (changed, removed))
    out = list(pages)
    out[changed] = Page(pages[changed].url, pages[changed].title, pages[changed].html + "<p>更正：核酸检测点位调整。</p>", pages[changed].facets)
    new = Page("archive/new_page/", "新增文档", "<p>新增的一篇，疫情防控。</p>", Facets("朝阳区"))
    assert not ends_segment(new.url, EVERY)
    del out[removed]
    out.insert(added_after + 1, new)
    return out, [changed, added_after, removed]


def test_ends_segment_is_a_stable_hash_of_the_url():
    """The same pages end segments in every process and every build (blake2b, not hash())."""
    assert [i for i in range(4000) if ends_segment(f"archive/{i:04d}/", 500)] == [315, 3509, 3615, 3944]
    assert sum(ends_segment(f"archive/{i:05d}/", 16) for i in range(16000)) in range(900, 1100)
    assert ends_segment("archive/0000/", 1)


def test_segment_digest_covers_every_field_and_the_order(pages):
    salt = salt_of(fold_table())
    base = segment_digest(salt, pages[:3])
    a, b, c = pages[:3]
    variants = [
        [Page(a.url + "x", a.title, a.html, a.facets), b, c],
        [Page(a.url, a.title + "x", a.html, a.facets), b, c],
        [Page(a.url, a.title, a.html + " ", a.facets), b, c],
        [Page(a.url, a.title, a.html, Facets("东城区")), b, c],
        [b, a, c],
        [a, b],
    ]
    digests = {segment_digest(salt, v) for v in variants}
    assert base not in digests and len(digests) == len(variants)
    assert segment_digest(salt, pages[:3]) == base
    assert segment_digest(salt_of({**fold_table(), ord("你"): "您"}), pages[:3]) != base


def test_cold_and_warm_caches_write_the_very_files_of_an_uncached_index(pages, tmp_path):
    folder = tmp_path / "segments"
    plain = _index(LocalSink(LIMITS, 10), pages, tmp_path / "a")
    cold = _index(LocalSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "b")
    segments = _cut(pages)
    assert len(segments) >= 10
    assert plain.segments == Report()
    assert (len(cold.segments.used), cold.segments.reused) == (len(segments), 0)
    assert cold.segments.groups == ()  # a first build keeps no group: the next one does
    assert sorted(p.name for p in folder.iterdir()) == sorted(d + SUFFIX for d in cold.segments.used)
    assert _files(tmp_path / "b") == _files(tmp_path / "a")
    assert cold.stats == plain.stats

    warm = _index(LocalSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "c")
    groups = [g for g in _groups(pages) if len(g) > 1]
    assert len(groups) >= 2 and len(warm.segments.groups) == len(groups)
    assert warm.segments == Report(cold.segments.used, len(segments), warm.segments.groups)
    assert sorted(p.name for p in folder.iterdir()) == sorted(d + SUFFIX for d in warm.segments.files)
    assert _files(tmp_path / "c") == _files(tmp_path / "a")
    again = _index(LocalSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "d")  # from the groups' own files
    assert again.segments == warm.segments
    assert _files(tmp_path / "d") == _files(tmp_path / "a")


def _indexed_then_edited(pages, tmp_path):
    """Index the pages with a cold segment folder, then their edited version; (folder, edited
    pages, indices of the changes, the second index's answer)."""
    folder = tmp_path / "segments"
    _index(LocalSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "cold")
    edited, touched = _edited(pages)
    return folder, edited, touched, _index(LocalSink(LIMITS, 10, folder, EVERY), edited, tmp_path / "warm")


def test_warm_cache_indexes_only_the_segments_a_change_touched(pages, tmp_path):
    _, edited, touched, warm = _indexed_then_edited(pages, tmp_path)
    plain = _index(LocalSink(LIMITS, 10), edited, tmp_path / "plain")
    assert _files(tmp_path / "warm") == _files(tmp_path / "plain")
    before, after = _cut(pages), _cut(edited)
    segment_of = {p.url: n for n, segment in enumerate(before) for p in segment}
    assert len({segment_of[pages[i].url] for i in touched}) == 3  # each edit in a segment of its own
    assert sum(1 for segment in after if segment not in set(before)) == 3
    assert (warm.segments.indexed, warm.segments.reused) == (3, len(after) - 3)
    assert warm.stats == plain.stats


def test_a_new_segment_is_indexed_when_it_ends_not_when_its_group_does(pages, tmp_path):
    """Indexing goes on while the pages still come (beside MkDocs' rendering), not all at the
    end of a group, which for the last group is the end of the build."""
    folder = tmp_path / "segments"
    segmenter = Segmenter(folder, fold_table(), EVERY)
    first = _cut(pages)[0]
    assert not ends_segment(first[-1].url, EVERY * GROUP)
    given = [segmenter.add(p) for p in first]
    assert [f.name for f in folder.iterdir()] == [segment_digest(salt_of(fold_table()), first) + SUFFIX]
    # a first build holds no builder back: the segment is joined as soon as it ends
    assert given[:-1] == [[]] * (len(first) - 1) and [b.stats.pages for b in given[-1]] == [len(first)]


def test_a_kept_group_is_joined_without_its_segments(pages, tmp_path):
    """A group whose segments are all unchanged comes whole from its own file: its segments are
    not read (here they are emptied, so reading one would index it again), and the index is the same."""
    folder = tmp_path / "segments"
    _index(LocalSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "first")
    cold = _index(LocalSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "cold")  # keeps the groups
    salt = salt_of(fold_table())
    first = [segment_digest(salt, segment) for segment in _groups(pages)[0]]
    assert len(first) > 1 and group_digest(salt, first) == cold.segments.groups[0]
    for digest in first:
        (folder / f"{digest}{SUFFIX}").write_bytes(b"")
    warm = _index(LocalSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "warm")
    assert (warm.segments.indexed, warm.segments.reused) == (0, len(cold.segments.used))
    assert _files(tmp_path / "warm") == _files(tmp_path / "cold")
    assert group_digest(salt, first[:1]) == first[0]  # a group of one segment is that segment's file


def test_damaged_segment_files_are_indexed_again(pages, tmp_path):
    folder = tmp_path / "segments"
    cold = _index(LocalSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "cold")
    first, second, third = (folder / f"{d}{SUFFIX}" for d in cold.segments.used[:3])
    first.write_bytes(first.read_bytes()[: first.stat().st_size // 2])  # truncated
    second.write_bytes(b"not a segment at all")
    data = bytearray(third.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte altered: zlib's checksum refuses it
    third.write_bytes(bytes(data))
    for group in cold.segments.groups:  # so that the segments are read, not their groups
        (folder / f"{group}{SUFFIX}").write_bytes(b"")
    warm = _index(LocalSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "warm")
    assert (warm.segments.indexed, warm.segments.reused) == (3, len(cold.segments.used) - 3)
    assert _files(tmp_path / "warm") == _files(tmp_path / "cold")
    for path, segment in zip((first, second, third), _cut(pages)):  # written again, whole
        assert load_segment(folder, path.stem, len(segment)) is not None


def test_a_group_file_is_stored_uncompressed_and_one_altered_is_joined_again_from_its_segments(pages, tmp_path):
    folder = tmp_path / "segments"
    _index(LocalSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "first")
    cold = _index(LocalSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "cold")  # keeps the groups
    group = folder / f"{cold.segments.groups[0]}{SUFFIX}"
    data = bytearray(group.read_bytes())
    assert zlib.decompress(bytes(data))[:64] in data  # stored: the pickle's bytes are there as they are
    data[len(data) // 2] ^= 0xFF  # one byte altered: zlib's checksum refuses it
    group.write_bytes(bytes(data))
    warm = _index(LocalSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "warm")
    assert (warm.segments.indexed, warm.segments.groups) == (0, cold.segments.groups)
    assert _files(tmp_path / "warm") == _files(tmp_path / "cold")
    assert decode_segment(group.read_bytes(), sum(len(s) for s in _groups(pages)[0])) is not None  # joined and kept again


def test_decode_segment_refuses_what_is_not_a_builder_of_that_many_pages(pages):
    builder = index_pages(pages[:5], fold_table())
    data = encode_segment(builder)
    assert isinstance(decode_segment(data, 5), IndexBuilder)
    assert decode_segment(data, 4) is None
    assert decode_segment(data[:-1], 5) is None
    assert decode_segment(b"", 5) is None
    assert decode_segment(zlib.compress(pickle.dumps({"pages": 5})), 5) is None


def test_an_unwritable_folder_indexes_without_keeping(pages, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = _index(LocalSink(LIMITS, 10, blocker / "segments", EVERY), pages[:60], tmp_path / "out")
    plain = _index(LocalSink(LIMITS, 10), pages[:60], tmp_path / "plain")
    assert done.segments.reused == 0 and done.segments.indexed == len(_cut(pages[:60]))
    assert _files(tmp_path / "out") == _files(tmp_path / "plain")


def test_sweep_keeps_the_segments_used_and_drops_the_rest(pages, tmp_path):
    folder, _, _, warm = _indexed_then_edited(pages, tmp_path)
    before = {p.name for p in folder.iterdir()}
    unused = before - {d + SUFFIX for d in warm.segments.files}
    assert len(unused) >= 3  # the three old segments and the old groups they were in are still there
    old_tmp, new_tmp = folder / f"{TMP_PREFIX}1-aaaa", folder / f"{TMP_PREFIX}2-bbbb"
    old_tmp.write_bytes(b"left by a killed build")
    new_tmp.write_bytes(b"being written by another build")
    stale = time.time() - STALE_TMP_SECONDS - 60
    os.utime(old_tmp, (stale, stale))
    assert sweep(folder, warm.segments.files) == len(unused) + 1
    assert sorted(p.name for p in folder.iterdir()) == sorted([*(d + SUFFIX for d in warm.segments.files), new_tmp.name])
    assert sweep(tmp_path / "missing", set()) == 0


def test_unused_files_decides_by_name_and_age():
    names = [("a" + SUFFIX, 0.0), ("b" + SUFFIX, 0.0), (f"{TMP_PREFIX}old", 0.0), (f"{TMP_PREFIX}new", 9000.0),
             ("notes.txt", 0.0), (".hidden" + SUFFIX, 0.0)]
    assert unused_files(names, {"a"}, now=10000.0) == sorted(["b" + SUFFIX, f"{TMP_PREFIX}old"])


@pytest.mark.slow
def test_child_processes_with_segments_write_the_files_of_one_process_without(pages, tmp_path):
    """ChildSink and SplitSink (subprocesses) with a segment folder, cold then warm, write what
    LocalSink writes with none; SplitSink's halves meet where two segments meet."""
    folder = tmp_path / "segments"
    _index(LocalSink(LIMITS, 10), pages, tmp_path / "plain")
    expected = _files(tmp_path / "plain")
    one = _index(ChildSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "child")
    assert _files(tmp_path / "child") == expected and one.segments.reused == 0

    def split(name: str, stream: list[Page]):
        sink = SplitSink(LIMITS, 10, folder, EVERY)
        sink.add(stream[0].url, stream[0].title, stream[0].html, stream[0].facets)
        sink.expect(len(stream) - 1)
        return _index(sink, stream[1:], tmp_path / name)

    both = split("split", pages)
    assert _files(tmp_path / "split") == expected
    assert both.segments.used == one.segments.used and both.segments.reused == len(one.segments.used)
    edited, _ = _edited(pages)
    again = split("edited", edited)
    _index(LocalSink(LIMITS, 10), edited, tmp_path / "edited-plain")
    assert _files(tmp_path / "edited") == _files(tmp_path / "edited-plain")
    assert again.segments.indexed == 3

    # One page more: the middle moves, yet the halves still meet between the same two segments.
    longer = [*pages[:50], Page("archive/added/", "新增", "<p>复工复产。</p>"), *pages[50:]]
    assert not ends_segment("archive/added/", EVERY)
    grown = split("longer", longer)
    _index(LocalSink(LIMITS, 10), longer, tmp_path / "longer-plain")
    assert _files(tmp_path / "longer") == _files(tmp_path / "longer-plain")
    assert (grown.segments.indexed, grown.segments.reused) == (1, len(_cut(longer)) - 1)


def _parts(pages: list[Page], path: Path) -> list[HtmlPart]:
    """The pages' HTML kept in one file, as the rendered-page store keeps it, with where each is."""
    data, parts = bytearray(), []
    for p in pages:
        html = p.html.encode("utf-8")
        data += b"<header>x</header>"
        parts.append(HtmlPart(str(path), len(data), len(data) + len(html)))
        data += html
    path.write_bytes(bytes(data))
    return parts


@pytest.mark.slow
def test_pages_sent_by_file_and_span_index_as_pages_sent_whole(pages, tmp_path):
    """The archive's pages go to the indexing processes as the file they are kept in and their
    span (HtmlPart): the index is byte for byte the one made from the HTML itself."""
    _index(LocalSink(LIMITS, 10), pages, tmp_path / "plain")
    expected = _files(tmp_path / "plain")
    parts = _parts(pages, tmp_path / "store.html")
    for name, sink in (("local", LocalSink(LIMITS, 10)), ("split", SplitSink(LIMITS, 10, tmp_path / "segments", EVERY))):
        if isinstance(sink, SplitSink):
            sink.expect(len(pages))
        for p, part in zip(pages, parts):
            sink.add(p.url, p.title, part, p.facets)
        sink.finish(tmp_path / name)
        assert _files(tmp_path / name) == expected, name


def test_kept_segments_are_found_by_the_digests_sent_without_reading_the_pages(pages, tmp_path, capfd):
    """A part that carries its bytes' digest (the rendered-page store keeps it) is read only if its
    segment is indexed: a build whose segments are all kept reads no page. Without a digest the
    page is read to name its segment, and a page that cannot be read then fails the build,
    naming the file, wherever the read happens."""
    parts = _parts(pages, tmp_path / "store.html")
    known = [HtmlPart(p.path, p.start, p.end, body_digest(p.read_bytes())) for p in parts]
    folder = tmp_path / "segments"
    for name in ("first", "again"):
        sink = LocalSink(LIMITS, 10, folder, EVERY)
        for p, part in zip(pages, known):
            sink.add(p.url, p.title, part, p.facets)
        done = sink.finish(tmp_path / name)
        (tmp_path / "store.html").unlink(missing_ok=True)  # gone: the second build must not need it
    assert done.segments.indexed == 0 and _files(tmp_path / "again") == _files(tmp_path / "first")
    child = ChildSink(LIMITS, 10, folder, EVERY)
    for p, part in zip(pages, parts):  # no digests: every page is read, and none can be
        child.add(p.url, p.title, part, p.facets)
    with pytest.raises(SearchBuildError, match="failed"):
        child.finish(tmp_path / "child")
    assert "store.html" in capfd.readouterr().err


@pytest.mark.slow
def test_a_part_that_cannot_be_read_fails_the_index_naming_the_file(pages, tmp_path, capfd):
    gone = HtmlPart(str(tmp_path / "gone.html"), 0, 10)
    with pytest.raises(SearchBuildError, match="gone.html"):
        LocalSink(LIMITS, 10).add("archive/x/", "x", gone)
    sink = ChildSink(LIMITS, 10)
    sink.add("archive/x/", "x", gone)
    with pytest.raises(SearchBuildError, match="failed"):
        sink.finish(tmp_path / "child")
    assert "gone.html" in capfd.readouterr().err


@pytest.mark.slow
def test_the_build_never_waits_for_an_indexing_process_that_is_behind(pages, tmp_path):
    """A child that reads nothing (stopped) does not hold up add(): the pages wait in this
    process, far more of them than a pipe holds, and the index is complete once it goes on."""
    sink = ChildSink(LIMITS, 10)

    def feed():
        for _ in range(4):
            for p in pages:
                sink.add(p.url, p.title, p.html * 4, p.facets)  # about 4 MB: 60 times a pipe's buffer

    os.kill(sink.child.pid, signal.SIGSTOP)
    adding = threading.Thread(target=feed, daemon=True)
    try:
        adding.start()
        adding.join(10)
        held = adding.is_alive()
    finally:
        os.kill(sink.child.pid, signal.SIGCONT)
    adding.join()
    assert not held
    done = sink.finish(tmp_path / "index")
    assert done.stats.pages == 4 * len(pages)


@pytest.mark.slow
def test_a_line_that_cannot_be_sent_fails_the_build_and_never_hangs_it(pages, tmp_path):
    """A page whose file name is not UTF-8 cannot go down the pipe: the child's input is closed,
    so it ends, and the build fails with what went wrong."""
    sink = ChildSink(LIMITS, 10)
    sink.add("archive/x/", "x", HtmlPart("/tmp/\udcff.html", 0, 10))
    sink.flush()  # hands the line over now
    sink.writer.join(10)
    assert not sink.writer.is_alive()
    with pytest.raises(SearchBuildError):
        sink.add(pages[0].url, pages[0].title, pages[0].html, pages[0].facets)
    with pytest.raises(SearchBuildError):
        sink.finish(tmp_path / "index")


# ---------------------------------------------------------------- reading ahead (LocalSink.read_ahead)


def _state(builder: IndexBuilder) -> tuple:
    """Everything a builder holds."""
    return (list(builder.ids.items()), [bytes(d) for d in builder.d], [bytes(p) for p in builder.p], list(builder.last),
            list(builder.df), list(builder.store.items()), builder.store_raw, list(builder.facets.pages), asdict(builder.stats))


def test_rollback_takes_out_exactly_what_came_after_the_mark(pages):
    fold = fold_table()
    builder = index_pages(pages[:60], fold)
    before = _state(builder)
    mark = builder.mark()
    builder.absorb(index_pages(pages[60:140], fold))  # new keys, and rows after those of known keys
    builder.add_page("archive/x/", "又一篇", extract_sections("<p>新的词：氪星。</p>", "又一篇"), Facets("海淀区"))
    assert _state(builder) != before
    builder.rollback(mark)
    assert _state(builder) == before
    builder.absorb(index_pages(pages[60:140], fold))  # and it goes on as if nothing had been taken out
    again = index_pages(pages[:60], fold)
    again.absorb(index_pages(pages[60:140], fold))
    assert _state(builder) == _state(again)


@pytest.fixture(scope="module")
def warmed(pages, tmp_path_factory) -> tuple[Path, tuple[tuple[str, int], ...]]:
    """A segment folder after two builds of the pages (a first build keeps no group, the second
    keeps them all), and the plan the second gives the next build."""
    root = tmp_path_factory.mktemp("warmed")
    _index(LocalSink(LIMITS, 10, root / "segments", EVERY), pages, root / "cold")
    done = _index(LocalSink(LIMITS, 10, root / "segments", EVERY), pages, root / "warm")
    assert len(done.ahead) == 1 and len(done.ahead[0].given) == len(_groups(pages))
    return root / "segments", done.ahead[0].given


def _warm(warmed, tmp_path: Path) -> tuple[Path, tuple[tuple[str, int], ...]]:
    """A copy of the warmed segment folder for one test, and its plan."""
    shutil.copytree(warmed[0], tmp_path / "segments")
    return tmp_path / "segments", warmed[1]


def _reading(monkeypatch) -> list[str]:
    """The segment and group files the Segmenter reads."""
    import gen.search.segments as segments

    read, real = [], segments.load_segment
    monkeypatch.setattr(segments, "load_segment", lambda folder, digest, n: read.append(digest) or real(folder, digest, n))
    return read


def test_what_was_read_ahead_is_confirmed_without_reading_it_again(pages, warmed, tmp_path, monkeypatch):
    folder, plan = _warm(warmed, tmp_path)
    _index(LocalSink(LIMITS, 10), pages, tmp_path / "plain")
    sink = LocalSink(LIMITS, 10, folder, EVERY)
    assert sink.read_ahead(plan) == len(plan)
    read = _reading(monkeypatch)
    done = _index(sink, pages, tmp_path / "ahead")
    assert _files(tmp_path / "ahead") == _files(tmp_path / "plain")
    assert read == [] and done.segments.reused == len(_cut(pages)) and done.segments.indexed == 0
    assert done.ahead[0].given == plan and done.ahead[0].salt == salt_of(fold_table()).hex()


@pytest.mark.parametrize("case", ["edited", "first page", "fewer groups", "stopped", *(
    pytest.param(case, marks=pytest.mark.slow)
    for case in ("last page", "fewer pages", "more pages", "added first", "missing file", "another stream"))])
def test_reading_ahead_never_changes_the_index(pages, warmed, tmp_path, case):
    """Whatever the stream turns out to be, the index is the one made without reading ahead."""
    folder, plan = _warm(warmed, tmp_path)
    stream = list(pages)
    touched = lambda i: Page(stream[i].url, stream[i].title, stream[i].html + "<p>更正。</p>", stream[i].facets)  # noqa: E731
    stop = lambda: False  # noqa: E731
    if case == "edited":
        stream = _edited(pages)[0]
    elif case == "first page":
        stream[0] = touched(0)
    elif case == "last page":
        stream[-1] = touched(len(stream) - 1)
    elif case == "fewer pages":
        stream = stream[:len(stream) // 2]
    elif case == "fewer groups":  # every builder it gives was read ahead, and more than those
        stream = stream[:sum(len(segment) for group in _groups(pages)[:2] for segment in group)]
    elif case == "more pages":
        stream += [Page(f"archive/more{i}/", f"又一篇{i}", "<p>疫情防控。</p>") for i in range(40)]
    elif case == "added first":
        stream.insert(0, Page("archive/0000_first/", "最前", "<p>社区封控。</p>"))
    elif case == "stopped":
        calls = iter(range(100))
        stop = lambda: next(calls) >= 2  # noqa: E731  (pages come while the third is read)
    elif case == "missing file":
        (folder / f"{plan[2][0]}{SUFFIX}").unlink()
    elif case == "another stream":
        plan = [(d, n + 1) for d, n in plan]  # counts that are not the files': nothing is read
    sink = LocalSink(LIMITS, 10, folder, EVERY)
    joined = sink.read_ahead(plan, stop)
    expected = {"stopped": 2, "missing file": 2, "another stream": 0}.get(case, len(plan))
    assert joined == expected
    _index(sink, stream, tmp_path / "ahead")
    _index(LocalSink(LIMITS, 10), stream, tmp_path / "plain")
    assert _files(tmp_path / "ahead") == _files(tmp_path / "plain")


@pytest.mark.slow
def test_child_processes_read_ahead_the_plan_the_last_build_kept(pages, tmp_path):
    """SplitSink's two processes each read ahead what they were given last time (save_plan,
    plan_of), and write what one process writes without."""
    from gen.search.sink import plan_of, save_plan

    folder, plan = tmp_path / "segments", tmp_path / "ahead.json"
    _index(LocalSink(LIMITS, 10), pages, tmp_path / "plain")

    def split(name: str, stream: list[Page]):
        sink = SplitSink(LIMITS, 10, folder, EVERY, ahead=plan if plan.is_file() else None)
        sink.add(stream[0].url, stream[0].title, stream[0].html, stream[0].facets)
        sink.expect(len(stream) - 1)
        done = _index(sink, stream[1:], tmp_path / name)
        save_plan(plan, done.ahead)
        return done

    split("cold", pages)
    first = split("warm", pages)
    salt = salt_of(fold_table()).hex()
    assert len(first.ahead) == 2 and all(r.given for r in first.ahead)
    assert [plan_of(plan, n, salt) for n in (0, 1)] == [list(r.given) for r in first.ahead]
    assert plan_of(plan, 0, "another salt") == []  # builders of other code are never read ahead
    for name, stream in (("again", pages), ("edited", _edited(pages)[0]), ("again-after-edit", pages)):
        split(name, stream)
        _index(LocalSink(LIMITS, 10), stream, tmp_path / f"{name}-plain")
        assert _files(tmp_path / name) == _files(tmp_path / f"{name}-plain"), name
    plan.write_text("{not json", encoding="utf-8")
    assert plan_of(plan, 0, salt) == [] and plan_of(plan, 5, salt) == []
    split("damaged-plan", pages)
    assert _files(tmp_path / "damaged-plan") == _files(tmp_path / "plain")


def test_a_first_build_plans_nothing_to_read_ahead_and_a_later_one_every_group(pages, tmp_path):
    """A first build gives its segments one by one, and the next joins them into groups: a plan
    of those segments would only be read ahead to be taken out again."""
    folder = tmp_path / "segments"
    cold = _index(LocalSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "cold")
    assert cold.ahead[0].given == ()
    warm = _index(LocalSink(LIMITS, 10, folder, EVERY), pages, tmp_path / "warm")
    assert [n for _, n in warm.ahead[0].given] == [sum(len(s) for s in group) for group in _groups(pages)]
    edited = list(pages)
    first = _groups(pages)[1][0][0]  # the first page of the second group: that group is given segment by segment
    at = pages.index(first)
    edited[at] = Page(first.url, first.title, first.html + "<p>更正。</p>", first.facets)
    done = _index(LocalSink(LIMITS, 10, folder, EVERY), edited, tmp_path / "edited")
    assert [n for _, n in done.ahead[0].given] == [sum(len(s) for s in _groups(pages)[0])]
