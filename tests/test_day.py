"""The broadcast-day reader (CCTV 新闻联播 day files): sniffing, one article per story in running
order, the day's date from the stories' broadcast time, hostile fields as text, the corpus days."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gen.decode import decode_bytes
from gen.document import article_dates, make_document
from gen.model import Seed
from gen.readers import READERS, day, html, newspaper, pick_reader, wire
from gen.render import render_article, render_page
from gen.tables import load_tables

from tests.conftest import REPO, seed_of, seed_text
from tests.test_fuzz import assert_only_allowed_markup

FIXTURES = REPO / "tests" / "fixtures" / "day"


def fixture(name: str):
    return day.read(seed_of(FIXTURES / f"{name}.json"))


def day_text(*stories: dict, **top) -> str:
    """A day file holding the given story objects."""
    return json.dumps({**top, "videoList": list(stories)}, ensure_ascii=False)


def story(num: int | None, title: str = "标题", pub: str | None = "2020-01-25 19:05:00", **more) -> dict:
    out = {"video_title": f"[视频]{title}", "brief": f"{title}。", **more}
    if num is not None:
        out["num"] = num
    if pub is not None:
        out["pub_date"] = pub
    return out


def headings(reading) -> list[str | None]:
    return [a.heading for a in reading.articles]


def paragraphs(article) -> list[str]:
    return [b.text for b in article.blocks]


def document(reading, name: str = "x.json"):
    seed = Seed(f"seeds/{name}", Path(name).stem, "", "utf-8", "", rel=name)
    return make_document(seed, reading, None, load_tables())


# --- sniffing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["three_stories_out_of_order", "story_without_brief", "hostile_fields",
                                  "stories_on_two_days"])
def test_pick_reader_day_fixtures(name):
    assert pick_reader(seed_of(FIXTURES / f"{name}.json").text) is day


def test_readers_day_is_tried_before_wire_and_html():
    assert READERS.index(day) < READERS.index(html) < READERS.index(wire)


@pytest.mark.parametrize(
    "text",
    [
        "新京报讯 6月1日，某区召开会议。videoList",  # prose
        '[{"videoList": [{"num": 1}]}]',  # a JSON array
        '{"videoList": {"num": 1}}',  # a story, not a list of them
        '{"videoList": []}',  # no story at all
        '{"videoList": [1, "two", null]}',  # entries that are not objects
        '{"videoList": [{"id": 1, "name": "x"}]}',  # objects that are not stories
        '{"videoList": [{"num": NaN}]}',  # not strict JSON
        '{"videoList": [{"num": 1}],}',  # trailing comma
        '{"videoList": [{"num": 1}]} trailing text',
        '{"videoList": ' + "[" * 100_000 + "]" * 100_000 + "}",  # nested past the parser's stack
        "标题\n<p>{\"videoList\": [{\"num\": 1}]}</p>",  # an HTML fragment quoting JSON
    ],
)
def test_looks_like_rejects_what_is_not_a_day_file(text):
    assert not day.looks_like(text)


def test_looks_like_rejects_json_without_video_list():
    assert not day.looks_like(seed_of(FIXTURES / "no_video_list.json").text)
    assert pick_reader(seed_of(FIXTURES / "no_video_list.json").text) is wire


def test_looks_like_takes_a_byte_order_mark_and_white_space():
    assert day.looks_like("\ufeff\n  " + day_text(story(1)))


def test_looks_like_no_repository_seed_or_other_fixture():
    paths = [*(REPO / "seeds").glob("*"), *(p for p in (REPO / "tests" / "fixtures").rglob("*") if "day" not in p.parts)]
    for path in paths:
        if path.is_file():
            try:
                text = decode_bytes(path.read_bytes()).text
            except Exception:  # quarantined kinds never reach a reader
                continue
            assert not day.looks_like(text), path


# --- title, date, source ----------------------------------------------------------------------


def test_read_title_date_and_kind():
    reading = fixture("three_stories_out_of_order")
    assert reading.kind == "day"
    assert reading.title == "新闻联播 2020年1月25日"
    assert reading.masthead.date == dt.date(2020, 1, 25)
    assert reading.masthead.date_text == "2020年1月25日"
    assert reading.masthead.paper == "央视网"
    assert reading.warnings == ()


def test_read_date_from_pub_date_not_video_id():
    # story 3's video_id, URL and image name the 26th (the page went online after midnight); it was
    # broadcast on the 25th
    reading = fixture("three_stories_out_of_order")
    assert reading.masthead.date == dt.date(2020, 1, 25)


def test_make_document_day_metadata():
    doc = document(fixture("three_stories_out_of_order"))
    assert (doc.title, doc.title_basis) == ("新闻联播 2020年1月25日", "标题行")
    assert (doc.date, doc.date_basis) == (dt.date(2020, 1, 25), "报头")
    assert doc.source == "央视网"
    assert doc.issue is None
    assert not doc.warnings


def test_read_stories_on_two_days_no_date_and_a_warning():
    reading = fixture("stories_on_two_days")
    assert reading.masthead.date is None
    assert reading.title == "新闻联播"
    assert any("different days" in w and "2020-06-13" in w and "2020-06-16" in w for w in reading.warnings)
    doc = document(reading)
    assert doc.date is None and doc.date_basis is None


def test_read_date_from_video_detail_pubtime_when_pub_date_missing():
    reading = day.read(seed_text(day_text(story(1, pub=None, video_detail={"pubtime": "2021-05-23 19:00:00"}))))
    assert reading.masthead.date == dt.date(2021, 5, 23)


def test_read_no_broadcast_time_no_date():
    reading = day.read(seed_text(day_text(story(1, pub=None), story(2, pub=None))))
    assert reading.masthead.date is None
    assert any("pub_date" in w for w in reading.warnings)


@pytest.mark.parametrize(("pub", "says"), [("2020-02-30 19:00:00", "not a calendar date"),
                                           ("昨天晚上", "not a date and time"), ("2020-01-25T19:05", None)])
def test_read_pub_date_forms(pub, says):
    reading = day.read(seed_text(day_text(story(1, pub=pub))))
    if says is None:
        assert reading.masthead.date == dt.date(2020, 1, 25)
    else:
        assert reading.masthead.date is None
        assert any(says in w for w in reading.warnings)


def test_read_a_story_without_pub_date_does_not_undo_the_day():
    reading = day.read(seed_text(day_text(story(1), story(2, pub=None))))
    assert reading.masthead.date == dt.date(2020, 1, 25)
    assert any("1 of 2 stories state no broadcast day" in w for w in reading.warnings)


def test_read_programme_from_the_dateline():
    content = "<p>央视网消息（焦点访谈）：一段正文。</p>"
    reading = day.read(seed_text(day_text(story(1, video_detail={"content": content}))))
    assert reading.title == "焦点访谈 2020年1月25日"
    assert paragraphs(reading.articles[0])[0] == "一段正文。"


def test_read_disagreeing_sources_fall_back_to_the_feed_with_a_warning():
    reading = day.read(seed_text(day_text(story(1, video_detail={"source": "央视网"}),
                                          story(2, video_detail={"source": "央视新闻"}))))
    assert reading.masthead.paper == day.PUBLISHER
    assert any("different sources" in w for w in reading.warnings)


# --- stories ----------------------------------------------------------------------------------


def test_read_one_article_per_story_in_num_order():
    reading = fixture("three_stories_out_of_order")
    assert headings(reading) == ["各地各部门做好春节期间疫情防控工作", "国内联播快讯", "【新春走基层】山村里的年夜饭"]


def test_read_content_paragraphs_without_the_dateline():
    first = fixture("three_stories_out_of_order").articles[0]
    assert paragraphs(first)[:2] == ["今天（1月25日），各地各部门继续做好疫情防控工作。", "多地加强体温检测，保障群众安全过节。"]
    assert not any("央视网消息" in p for p in paragraphs(first))
    assert [s.style for s in first.blocks[1].lines[0]][1] == "strong"


def test_read_brief_when_content_is_empty_one_paragraph_per_line():
    flash = fixture("three_stories_out_of_order").articles[1]
    assert paragraphs(flash)[:3] == ["国内联播快讯：", "（1）某市开通一条新地铁线；", "（2）某省春耕备耕有序推进。"]


def test_read_link_to_the_story_last():
    first = fixture("three_stories_out_of_order").articles[0]
    link = first.blocks[-1].lines[0]
    assert [(s.text, s.href) for s in link] == [
        (day.LINK_TEXT, "https://tv.cctv.com/2020/01/25/VIDEtestA0000000000000200125.shtml")]


def test_read_story_without_brief():
    reading = fixture("story_without_brief")
    assert headings(reading) == ["某地举行复工复产对接会", "某地企业有序复工"]
    bare = reading.articles[0]
    assert [b.text for b in bare.blocks] == [day.LINK_TEXT]  # the link alone, no text made up
    assert any("story 1 has no text" in w for w in reading.warnings)
    assert paragraphs(reading.articles[1])[0] == "某地企业有序复工。"


def test_read_story_without_anything_keeps_its_section():
    reading = day.read(seed_text(day_text({"num": 1}, story(2))))
    assert headings(reading) == [None, "标题"]
    assert reading.articles[0].blocks == ()
    assert any("story 1 has no title" in w for w in reading.warnings)


def test_read_missing_num_keeps_the_list_order_with_a_warning():
    reading = day.read(seed_text(day_text(story(2, "乙"), story(None, "甲"), story(1, "丙"))))
    assert headings(reading) == ["乙", "甲", "丙"]
    assert any("list's order" in w and "1 without a number" in w for w in reading.warnings)


def test_read_repeated_num_keeps_the_list_order_with_a_warning():
    reading = day.read(seed_text(day_text(story(2, "乙"), story(2, "甲"))))
    assert headings(reading) == ["乙", "甲"]
    assert any("num repeated: 2" in w for w in reading.warnings)


def test_read_num_as_digits_text_orders_too():
    reading = day.read(seed_text(day_text(story("2", "乙"), story("1", "甲"))))
    assert headings(reading) == ["甲", "乙"]


def test_read_entries_that_are_not_stories_skipped_and_total_checked():
    reading = day.read(seed_text(day_text(story(1), "text", None, total=5)))
    assert len(reading.articles) == 1
    assert any("total says 5" in w for w in reading.warnings)
    assert any("2 entries" in w and "skipped" in w for w in reading.warnings)


def test_read_fields_of_the_wrong_type_tolerated():
    odd = {"num": 1, "video_title": 42, "brief": ["a"], "pub_date": 20200125, "video_url": None, "video_detail": ["x"]}
    reading = day.read(seed_text(day_text(odd, story(2))))
    assert headings(reading) == [None, "标题"]
    assert reading.masthead.date == dt.date(2020, 1, 25)
    told = "\n".join(reading.warnings)
    assert "video_title is int, not text" in told and "video_detail is list, not an object" in told
    assert told.count("video_detail is list") == 1  # told once per story


def test_read_story_list_bounded():
    reading = day.read(seed_text(day_text(*(story(i) for i in range(1, day.MAX_STORIES + 6)))))
    assert len(reading.articles) == day.MAX_STORIES
    assert any(f"only the first {day.MAX_STORIES}" in w for w in reading.warnings)


def test_read_not_a_day_file_raises():
    with pytest.raises(ValueError, match="not a day file"):
        day.read(seed_text('{"list": []}'))


# --- hostile fields ---------------------------------------------------------------------------


def test_read_hostile_title_and_brief_are_text():
    reading = fixture("hostile_fields")
    first = reading.articles[0]
    assert first.heading == "<script>alert('title')</script>标题 **粗** [链接](javascript:alert(1))"
    assert paragraphs(first) == ["<script>alert('brief')</script><img src=x onerror=alert(1)>正文", "# 不是标题",
                                 "- 不是列表"]
    assert all(s.href is None for b in first.blocks for line in b.lines for s in line)
    assert any("story 1: url" in w and "javascript" in w for w in reading.warnings)


def test_read_hostile_content_is_sanitised():
    second = fixture("hostile_fields").articles[1]
    assert second.heading == "第二条 <b>"
    assert paragraphs(second) == ["段落坏链接好链接", "第二段"]
    hrefs = [s.href for b in second.blocks for line in b.lines for s in line if s.href]
    assert hrefs == ["https://example.org/a"]  # the story URL with a quote in it gets no link


def test_render_hostile_day_only_allow_listed_markup():
    pieces = [render_article(article, None) for article in fixture("hostile_fields").articles]
    assert "&lt;script>alert('brief')" in pieces[0]
    for md in pieces:
        assert "<script" not in md
        assert_only_allowed_markup(md)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(st.sampled_from(sorted(day.STORY_KEYS | {"video_detail"})),
                                st.none() | st.booleans() | st.integers() | st.text(max_size=30)
                                | st.dictionaries(st.sampled_from(["content", "source", "pubtime", "url", "title"]),
                                                  st.text(max_size=30), max_size=3),
                                min_size=1, max_size=6), min_size=1, max_size=5))
def test_read_any_story_objects_never_crash(stories):
    text = day_text(*stories)
    if not day.looks_like(text):
        return
    reading = day.read(seed_text(text))
    assert len(reading.articles) == len(stories)
    for article in reading.articles:
        assert_only_allowed_markup(render_article(article, None))


# --- the page ---------------------------------------------------------------------------------


def test_render_page_one_section_per_story_in_order():
    doc = document(fixture("three_stories_out_of_order"))
    page = render_page(doc, article_dates(doc))
    sections = re.findall(r"(?m)^## (.*)$", page)
    assert sections == ["各地各部门做好春节期间疫情防控工作", "国内联播快讯", "【新春走基层】山村里的年夜饭"]
    assert "[央视网原文](https://tv.cctv.com/2020/01/25/VIDEtestA0000000000000200125.shtml)" in page
    assert 'reader: "day"' in page


# --- the corpus -------------------------------------------------------------------------------


@pytest.mark.slow
def test_corpus_day_files_read(corpus):
    paths = sorted((corpus / "cctv-xwlb" / "days").glob("*.json"))
    assert len(paths) == 24
    total = 0
    for path in paths:
        text = decode_bytes(path.read_bytes()).text
        assert pick_reader(text) is day, path.name
        reading = day.read(Seed(path.name, path.stem, "", "utf-8", text))
        stories = json.loads(text)["videoList"]
        assert len(reading.articles) == len(stories), path.name
        assert reading.masthead.date == dt.datetime.strptime(path.stem, "%Y%m%d").date(), path.name
        assert reading.title == f"新闻联播 {reading.masthead.date_text}"
        assert all(a.heading and a.blocks for a in reading.articles), path.name
        assert reading.warnings == (), path.name
        total += len(reading.articles)
    assert total == 350


@pytest.mark.slow
def test_corpus_other_files_not_taken(corpus):
    for path in corpus.rglob("*"):
        if path.is_file() and path.parent.name != "days" and path.suffix in (".txt", ".html", ".csv", ".md"):
            assert not day.looks_like(path.read_text(encoding="utf-8", errors="replace")), path


# --- end to end -------------------------------------------------------------------------------


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.mark.slow
def test_build_day_file_end_to_end(project):
    (project / "seeds" / "day").mkdir()
    for name in ("three_stories_out_of_order", "hostile_fields"):
        shutil.copy(FIXTURES / f"{name}.json", project / "seeds" / "day" / f"{name}.json")
    gen = _run(["-m", "gen", "build"], project)
    assert gen.returncode == 0, gen.stdout + gen.stderr
    report = {s["seed"]: s for s in json.loads((project / "build" / "report.json").read_text(encoding="utf-8"))["seeds"]}
    assert report["seeds/day/three_stories_out_of_order.json"]["page"] == "archive/day/three_stories_out_of_order.md"
    page = (project / "docs" / "archive" / "day" / "three_stories_out_of_order.md").read_text(encoding="utf-8")
    assert 'title: "新闻联播 2020年1月25日"' in page and "date: 2020-01-25" in page and 'date_basis: "报头"' in page
    assert len(re.findall(r"(?m)^## ", page)) == 3

    mk = _run(["-m", "mkdocs", "build", "--strict"], project)
    assert mk.returncode == 0, mk.stderr
    built = lxml.html.document_fromstring(
        (project / "site" / "archive" / "day" / "three_stories_out_of_order" / "index.html").read_text(encoding="utf-8"))
    h2 = [el.text_content().rstrip("¶").strip() for el in built.iter("h2")]  # ¶: the permalink
    assert h2[:3] == ["各地各部门做好春节期间疫情防控工作", "国内联播快讯", "【新春走基层】山村里的年夜饭"]
    hostile = (project / "site" / "archive" / "day" / "hostile_fields" / "index.html").read_text(encoding="utf-8")
    root = lxml.html.document_fromstring(hostile)
    assert not any("alert(" in (el.text or "") for el in root.iter("script"))
    assert not any(el.get("href", "").lower().lstrip().startswith("javascript") for el in root.iter("a"))
    assert "&lt;script&gt;alert('brief')" in hostile.replace("&#39;", "'")
