"""Score the newspaper reader on synthetic OCR issues built in memory from the CCTV day files.

There is no OCR'd newspaper corpus, so each of the 24 CCTV 新闻联播 day files becomes one issue:
a masthead like 石景山报's, each story's title as headline (sometimes on two lines), an optional
byline, its paragraphs, and column breaks cut mid-sentence at seeded pseudo-random positions.
The scores are pinned in tests/floors/newspaper.json and may not drop. No corpus text is stored.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from gen.clean import clean_inline, clean_line, ends_sentence
from gen.model import Reading, Seed
from gen.readers import newspaper
from gen.readers.newspaper.punctuation import FULL_WIDTH
from tests.test_score_meta import floor_problems, load_floors

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DAYS = CORPUS / "cctv-xwlb" / "days"
FLOORS = Path(__file__).resolve().parent / "floors" / "newspaper.json"

SEEDS = (1, 2, 3)  # fixed random streams: reproducible issues, three layouts of each day
PAPERS = ("石景山报", "海淀报", "朝阳报", "丰台报")
REPORTERS = ("记者 王立新", "记者吴赛赛 通讯员田甜", "通讯员石伟", "记者 张林")
COLUMNISTS = ("石荣平", "李文")
# OCR prints these as ASCII, as in the seeds; 。、“” stay full width.
OCR_PUNCT = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "？": "?", "！": "!"})
# The TV source line plays the role of 本报讯; it is dropped or replaced by a byline.
LEAD = re.compile(r"^央视网消息[(（]新闻联播[)）][:：]?")
# A short paragraph with no sentence punctuation is an item headline inside a news round-up.
SUBHEAD_MAX = 40
BYLINE_RATE, COLUMN_RATE = 0.55, 0.1  # 本报讯(…) prefix / "●name" line; the rest have none
TWO_LINE_RATE = 0.3  # headline printed as two lines (split at a space)
BREAK_RATE, SECOND_BREAK_RATE = 0.3, 0.1  # paragraphs cut by a column break (once, twice)
WRAP_SHARE = 0.3  # breaks printed as a single newline (a wrapped line) instead of a blank line
JUMP_RATE = 0.15  # stories ending "(下转2版)"
CONTENTS_RATE = 0.5  # issues with a 导读 block (the day's last two stories)
CONTEXT = 6  # characters either side of a break used to find it in the output
# The reader prints the OCR's , : ; ? ! ( ) full width in Chinese text (punctuation.py), while the
# answer key keeps the OCR's widths: the layout scores compare both with every such mark narrow.
FOLD = str.maketrans({wide: narrow for narrow, wide in FULL_WIDTH.items()})


@dataclass(frozen=True)
class Story:
    """What the reader should find for one story."""

    heading: str
    paragraphs: tuple[str, ...]
    byline: str | None = None


@dataclass(frozen=True)
class Issue:
    """A synthetic issue and its answer key."""

    text: str
    stories: tuple[Story, ...]
    breaks: tuple[tuple[str, str], ...]  # (left, right) context of every inserted break
    contents: tuple[str, ...]


def ocr(text: str) -> str:
    """Text as the OCR prints it: ASCII commas and brackets, padding gone."""
    return clean_inline(text.translate(OCR_PUNCT))


def html_paragraphs(content: str) -> list[str]:
    """Plain paragraphs of a CCTV HTML fragment."""
    parts = re.split(r"</p>|<br\s*/?>", content)
    texts = (ocr(LEAD.sub("", html.unescape(re.sub(r"<[^>]+>", "", p)).strip())) for p in parts)
    return [t for t in texts if t]


def is_subhead(text: str) -> bool:
    """A round-up's item headline: short and without sentence punctuation."""
    return len(text) <= SUBHEAD_MAX and not re.search(r"[。！？!?；;…]", text)


def stories_of(video: dict) -> list[Story]:
    """One story, or one per item of a news round-up (items are laid out as stories of their own)."""
    title = clean_line(re.sub(r"^\[视频\]", "", video["video_title"]).translate(OCR_PUNCT))
    stories: list[Story] = []
    heading, paragraphs = title, []
    for p in html_paragraphs(video["video_detail"]["content"]):
        if is_subhead(p):
            if paragraphs:
                stories.append(Story(heading, tuple(paragraphs)))
            heading, paragraphs = p, []
        else:
            paragraphs.append(p)
    if paragraphs:
        stories.append(Story(heading, tuple(paragraphs)))
    return stories


def masthead(day: dt.date, rng: random.Random) -> str:
    """A masthead like the seeds', its first three lines in a random order."""
    paper = rng.choice(PAPERS)
    weekday = "一二三四五六日"[day.weekday()]
    number = rng.randint(1, 99)
    top = [paper, f"{day.year}年{day.month}月{day.day}日 星期{weekday}", f"第{number}期(总第{1800 + number}期)本期8版"]
    rng.shuffle(top)
    rest = [f"中共{paper[:-1]}区委宣传部主办", "准印证号京内资准字2003-L0007", "新闻网http://www.example.gov.cn",
            "", "●区政府:12345", "●供电:95598", "", "", f"北京{paper[:-1]}公众号"]
    return "\n\n" + "\n".join(top + rest) + "\n\n"


def cut_points(text: str, start: int, rng: random.Random) -> list[int]:
    """Mid-sentence positions where a column break falls in this paragraph (maybe none)."""
    eligible = [k for k in range(start + 1, len(text)) if not ends_sentence(text[:k]) and text[k] not in " "]
    if not eligible or rng.random() >= BREAK_RATE:
        return []
    count = 2 if rng.random() < SECOND_BREAK_RATE else 1
    return sorted(rng.sample(eligible, min(count, len(eligible))))


def depth(text: str) -> int:
    """How many brackets are open at the end of text."""
    return sum(text.count(a) - text.count(b) for a, b in ("【】", "《》", "“”", "()", "（）"))


def print_story(story: Story, rng: random.Random) -> tuple[str, Story, list[tuple[str, str]]]:
    """The printed story, its answer key (with byline) and its break contexts."""
    heading = story.heading
    # A headline is set on two lines at a space outside brackets (never inside "【… …】").
    spaces = [k for k, ch in enumerate(heading) if ch == " " and depth(heading[:k]) == 0]
    if spaces and rng.random() < TWO_LINE_RATE:
        cut = rng.choice(spaces)
        blocks = [heading[:cut], heading[cut + 1:]]
    else:
        blocks = [heading]
    roll = rng.random()
    byline, prefix = None, ""
    if roll < BYLINE_RATE:
        byline = rng.choice(REPORTERS)
        prefix = f"本报讯({byline})"
    elif roll < BYLINE_RATE + COLUMN_RATE:
        byline = rng.choice(COLUMNISTS)
        blocks.append(f"●{byline}")
    breaks: list[tuple[str, str]] = []
    last = len(story.paragraphs) - 1
    for i, text in enumerate(story.paragraphs):
        printed = (prefix if i == 0 else "") + text
        start = len(prefix) if i == 0 else 0
        pieces, at = [], 0
        for k in cut_points(printed, start, rng):
            breaks.append((printed[max(start, k - CONTEXT):k], printed[k:k + CONTEXT]))
            pieces.append(printed[at:k] + ("\n" if rng.random() < WRAP_SHARE else "\n\n"))
            at = k
        pieces.append(printed[at:])
        if i == last and rng.random() < JUMP_RATE:
            pieces.append("(下转2版)")
        blocks.append("".join(pieces))
    return "\n\n".join(blocks), Story(story.heading, story.paragraphs, byline), breaks


def build_issue(day: dt.date, videos: list[dict], rng: random.Random) -> Issue:
    """One synthetic issue from a day's stories."""
    stories = [s for v in videos for s in stories_of(v)]
    contents: list[str] = []
    if len(stories) > 3 and rng.random() < CONTENTS_RATE:
        contents = [s.heading for s in stories[-2:]]
        stories = stories[:-2]
    printed, keys, breaks = [], [], []
    for story in stories:
        text, key, cuts = print_story(story, rng)
        printed.append(text)
        keys.append(key)
        breaks += cuts
    body = "".join(text + rng.choice(("\n\n", "\n\n\n", "\n\n\n\n")) for text in printed)
    box = "导读\n\n" + "".join(f"{t}\n\n[2版]\n\n" for t in contents) if contents else ""
    top = rng.random() < 0.5
    text = masthead(day, rng) + (box if top else "") + body + ("" if top else box)
    return Issue(text, tuple(keys), tuple(breaks), tuple(contents))


def output_text(reading: Reading) -> str:
    """Headlines and paragraphs as the reader split them, one per line."""
    lines: list[str] = []
    for article in reading.articles:
        lines += [article.heading or ""] + [b.text for b in article.blocks]
    return "\n".join(lines)


def f1(found: list[str], truth: list[str]) -> float:
    """F1 of two multisets of strings."""
    hits = sum((Counter(found) & Counter(truth)).values())
    return 2 * hits / (len(found) + len(truth)) if found or truth else 1.0


def score(issues: list[Issue]) -> dict[str, float]:
    """Article splitting F1, breaks re-joined, true paragraph breaks kept, bylines and contents found."""
    f1s, joined, kept, bylines, contents = [], [0, 0], [0, 0], [0, 0], [0, 0]
    for n, issue in enumerate(issues):
        reading = newspaper.read(Seed(f"synthetic/{n}.txt", str(n), "", "utf-8", issue.text))
        out = output_text(reading).translate(FOLD)
        headings = [a.heading.translate(FOLD) for a in reading.articles if a.heading]
        f1s.append(f1(headings, [s.heading.translate(FOLD) for s in issue.stories]))
        joined[0] += sum((left + right).translate(FOLD) in out for left, right in issue.breaks)
        joined[1] += len(issue.breaks)
        for story in issue.stories:
            pairs = zip(story.paragraphs, story.paragraphs[1:])
            for a, b in pairs:
                kept[0] += f"{a[-CONTEXT:]}\n{b[:CONTEXT]}".translate(FOLD) in out
                kept[1] += 1
        found = {(a.heading or "").translate(FOLD): a.byline and a.byline.translate(FOLD) for a in reading.articles}
        for story in issue.stories:
            if story.heading.translate(FOLD) in found:
                bylines[0] += found[story.heading.translate(FOLD)] == (story.byline and story.byline.translate(FOLD))
                bylines[1] += 1
        contents[0] += [c.title.translate(FOLD) for c in reading.contents] == [t.translate(FOLD) for t in issue.contents]
        contents[1] += 1
    return {
        "article_f1": sum(f1s) / len(f1s),
        "breaks_rejoined": joined[0] / joined[1],
        "paragraph_breaks_kept": kept[0] / kept[1],
        "bylines_right": bylines[0] / bylines[1],
        "contents_right": contents[0] / contents[1],
    }


def synthetic_issues() -> list[Issue]:
    """The synthetic issues: each CCTV day file laid out once per random seed."""
    days = []
    for path in sorted(DAYS.glob("*.json")):
        day = dt.datetime.strptime(path.stem, "%Y%m%d").date()
        days.append((day, json.loads(path.read_text(encoding="utf-8"))["videoList"]))
    issues = []
    for seed in SEEDS:
        rng = random.Random(seed)
        issues += [build_issue(day, videos, rng) for day, videos in days]
    return issues


def test_score_newspaper_reader_meets_floors():
    if not DAYS.is_dir():
        pytest.skip(f"shared corpus not found at {DAYS}; newspaper scoring skipped")
    scores = score(synthetic_issues())
    print("newspaper scores:", json.dumps({k: round(v, 4) for k, v in scores.items()}))
    problems = floor_problems(scores, load_floors(FLOORS), FLOORS.name)
    assert not problems, f"scores against {FLOORS}:\n" + "\n".join(problems)


def test_build_issue_made_up_day_reads_back():
    # Guards the generator itself, without the corpus: made-up stories, one of them a round-up.
    videos = [
        {"video_title": "[视频]石景山开展春季植树 共建绿色家园",
         "video_detail": {"content": "<p>央视网消息（新闻联播）：今天，石景山区组织干部群众在西山植树，共种下树苗两千余株。</p>\r\n"
                                     "<p>活动现场，志愿者们分工协作，挖坑、扶苗、培土、浇水，干劲十足。</p>"}},
        {"video_title": "[视频]国内联播快讯",
         "video_detail": {"content": "<p>八角街道完成老旧小区改造</p><p>八角街道今年完成五个老旧小区改造，惠及居民三千余户。</p>"
                                     "<p>鲁谷社区开设老年餐桌</p><p>鲁谷社区老年餐桌今天开张，每天供应午餐和晚餐。</p>"}},
    ]
    issue = build_issue(dt.date(2021, 3, 19), videos, random.Random(7))
    assert [s.heading for s in issue.stories] == ["石景山开展春季植树 共建绿色家园", "八角街道完成老旧小区改造", "鲁谷社区开设老年餐桌"]
    assert issue.stories[0].paragraphs[0].startswith("今天,石景山区")  # source line dropped, OCR commas
    assert "央视网" not in issue.text and "[视频]" not in issue.text
    assert score([issue])["article_f1"] == 1.0
