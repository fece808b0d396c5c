"""Reader for a broadcast day's story list as CCTV's site serves it (the 新闻联播 day files):
a JSON object whose `videoList` holds one object per story. One page per day, one article per story.

Fields used, per story (the rest, such as video_image, guid, page_id and video_tag, are ignored):

- `num`: the running order. `video_title` (else `video_detail.title`): the heading, "[视频]" dropped.
- `video_detail.content` (HTML paragraphs; else `brief`, plain text): the story's text.
- `pub_date` (else `video_detail.pubtime`): when it was broadcast, which dates the day.
- `video_url` (else `video_detail.url`): a link to the story on the site.
- `video_detail.source`: the publisher; the top-level `total`: how many stories the list should hold.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from gen.clean import clean_line, normalise_newlines
from gen.model import Article, Block, Masthead, Reading, Seed, Span, paragraph
from gen.readers.html import blocks_from_html, clean_spans, clean_title, safe_href
from gen.tables import SAFE_URL_STARTS

KIND = "day"
LIST_KEY = "videoList"
# Keys of which a story object holds at least one: an object with none of them is not a story.
STORY_KEYS = frozenset({"num", "video_id", "video_title", "brief", "video_detail", "pub_date", "video_url"})
# A day holds 11 to 19 stories in the corpus (24 days); far more is not one broadcast.
MAX_STORIES = 200
# The feed's programme and publisher when the stories do not name them. The day files come from
# CCTV's 新闻联播 listing (../shared/corpus/cctv-xwlb/SOURCE.md); every story of the 24 corpus days
# opens "央视网消息（新闻联播）：" and gives video_detail.source 央视网 (gen/data/sources.csv names the
# same publisher for the single-story items).
PROGRAMME = "新闻联播"
PUBLISHER = "央视网"
# The dateline every story's content opens with; it names the programme, and is dropped from the
# text (it would open each of the day's sections alike).
DATELINE = re.compile(r"^\s*央视网消息\s*[(（]\s*(?P<programme>[^()（）\s]{1,12})\s*[)）]\s*[:：]\s*")
# "2020-01-25 19:05:02": the broadcast time. (video_id's last six digits and the image path are the
# day the page went online: 3 of the 350 corpus stories carry the next day there, so they never date.)
PUB_TIME = re.compile(r"^\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
# Story links: web pages only (the safe-link table also allows mailto:, which no story page is).
WEB_URL_STARTS = (SAFE_URL_STARTS["http"], SAFE_URL_STARTS["https"])
LINK_TEXT = "央视网原文"
OPENS_OBJECT = re.compile(r"[\ufeff \t\r\n]*\{")


# --- sniffing ---------------------------------------------------------------------------------


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def load(text: str) -> object:
    """The JSON value of the text, strictly (no NaN or Infinity); raise ValueError when it is not JSON."""
    try:
        return json.loads(text.removeprefix("\ufeff"), parse_constant=_reject_constant)
    except RecursionError as e:  # nested deeper than the parser's stack
        raise ValueError("JSON nested too deep") from e


def _stories(value: object) -> list | None:
    """The story list of a parsed day file, or None when the value is not one."""
    if not isinstance(value, dict) or not isinstance(value.get(LIST_KEY), list):
        return None
    return value[LIST_KEY]


def looks_like(text: str) -> bool:
    """True for a JSON object whose `videoList` is a list holding at least one story object."""
    if not OPENS_OBJECT.match(text) or f'"{LIST_KEY}"' not in text:
        return False  # cheap: nothing else is parsed
    try:
        stories = _stories(load(text))
    except ValueError:
        return False
    return stories is not None and any(isinstance(s, dict) and STORY_KEYS & s.keys() for s in stories)


# --- one story --------------------------------------------------------------------------------


def _field(story: Mapping, key: str, name: str, warnings: list[str]) -> str | None:
    """A story's string field (`video_detail.x` for a dotted key); None, with a warning, when it is not text."""
    holder: object = story
    *path, last = key.split(".")
    for part in path:
        holder = holder.get(part) if isinstance(holder, Mapping) else None
        if holder is not None and not isinstance(holder, Mapping):
            warnings.append(f"{name}: {part} is {type(holder).__name__}, not an object; ignored")
            return None
    value = holder.get(last) if isinstance(holder, Mapping) else None
    if value is None or isinstance(value, str):
        return value
    warnings.append(f"{name}: {key} is {type(value).__name__}, not text; ignored")
    return None


def _first(story: Mapping, keys: tuple[str, ...], name: str, warnings: list[str]) -> str | None:
    """The first of the fields that holds text other than white space."""
    for key in keys:
        value = _field(story, key, name, warnings)
        if value and value.strip():
            return value
    return None


def _drop_dateline(blocks: tuple[Block, ...]) -> tuple[tuple[Block, ...], str | None]:
    """Blocks without the "央视网消息（新闻联播）：" opening the first paragraph, and the programme it names."""
    if not blocks or blocks[0].kind != "p":
        return blocks, None
    line = blocks[0].lines[0]
    m = DATELINE.match(line[0].text) if line else None
    if not m:
        return blocks, None
    rest = clean_spans((Span(line[0].text[m.end():], line[0].style, line[0].href), *line[1:]))
    return ((Block("p", (rest,)),) if rest else ()) + blocks[1:], m["programme"]


def _brief_blocks(brief: str) -> tuple[Block, ...]:
    """A brief, one paragraph per line: "国内联播快讯：" then its "（1）…；" items each on a line."""
    return tuple(paragraph(x) for x in map(clean_line, normalise_newlines(brief).split("\n")) if x)


def _link(story: Mapping, name: str, warnings: list[str]) -> Block | None:
    """A paragraph linking to the story on the site, when its URL is a web address."""
    url = _first(story, ("video_url", "video_detail.url"), name, warnings)
    if url is None:
        return None
    href = safe_href(url)
    if href is None or not href.lower().startswith(WEB_URL_STARTS):
        warnings.append(f"{name}: url {url.strip()[:80]!r} is not a safe http or https address; no link")
        return None
    return Block("p", ((Span(LINK_TEXT, href=href),),))


def pub_day(story: Mapping, name: str, warnings: list[str]) -> dt.date | None:
    """The day a story was broadcast, from its pub_date (else video_detail.pubtime)."""
    stated = _first(story, ("pub_date", "video_detail.pubtime"), name, warnings)
    if stated is None:
        return None
    m = PUB_TIME.match(stated)
    if not m:
        warnings.append(f"{name}: pub_date {stated.strip()[:40]!r} is not a date and time (2020-01-25 19:05:02)")
        return None
    try:
        return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        warnings.append(f"{name}: pub_date {stated.strip()[:40]!r} is not a calendar date")
        return None


@dataclass(frozen=True)
class Story:
    """What one story contributes to the day: its article, and what it states about the day."""

    article: Article
    day: dt.date | None  # broadcast day, from pub_date
    programme: str | None  # named by the dateline: "新闻联播"
    source: str | None  # video_detail.source: "央视网"
    warnings: tuple[str, ...] = ()


def read_story(story: Mapping, name: str) -> Story:
    """One story object as an Article, with the day, programme and source it states."""
    warnings: list[str] = []
    title = _first(story, ("video_title", "video_detail.title"), name, warnings)
    heading = clean_title(title) if title else ""
    if not heading:
        warnings.append(f"{name} has no title (video_title)")
    content = _first(story, ("video_detail.content",), name, warnings)
    blocks, programme = _drop_dateline(blocks_from_html(content)) if content else ((), None)
    if not blocks:
        brief = _first(story, ("brief", "video_detail.brief"), name, warnings)
        blocks = _brief_blocks(brief) if brief else ()
    if not blocks:
        warnings.append(f"{name} has no text (video_detail.content, brief)")
    link = _link(story, name, warnings)
    source = _first(story, ("video_detail.source",), name, warnings)
    return Story(
        article=Article(heading=heading or None, blocks=blocks + ((link,) if link else ())),
        day=pub_day(story, name, warnings),
        programme=programme,
        source=clean_line(source) if source else None,
        warnings=tuple(dict.fromkeys(warnings)),  # a broken video_detail is told once
    )


# --- the day ----------------------------------------------------------------------------------


def _num(story: Mapping) -> int | None:
    value = story.get("num")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def running_order(stories: list[Mapping]) -> tuple[list[tuple[int | None, Mapping]], list[str]]:
    """(num, story) in `num` order; in the list's own order, with a warning, unless every story has its own number."""
    nums = [_num(s) for s in stories]
    if all(n is not None for n in nums) and len(set(nums)) == len(nums):
        return sorted(zip(nums, stories), key=lambda pair: pair[0]), []
    missing = sum(n is None for n in nums)
    repeated = sorted(n for n, c in Counter(n for n in nums if n is not None).items() if c > 1)
    why = "; ".join(x for x in (f"{missing} without a number" if missing else "",
                                f"num repeated: {', '.join(map(str, repeated[:5]))}" if repeated else "") if x)
    return list(zip(nums, stories)), [f"stories kept in the list's order ({why})"]


def _agreed(values: list[str | None], default: str, what: str, warnings: list[str]) -> str:
    """The one value the stories state, else the feed's default (with a warning when they disagree)."""
    stated = sorted({v for v in values if v})
    if len(stated) > 1:
        warnings.append(f"stories name different {what}s ({'、'.join(stated[:5])}); {default} used")
    return stated[0] if len(stated) == 1 else default


def _day(days: list[dt.date | None], warnings: list[str]) -> dt.date | None:
    """The broadcast day when the stories that state one all state the same; else None, with a warning."""
    stated = sorted({d for d in days if d})
    if stated and None in days:
        warnings.append(f"{days.count(None)} of {len(days)} stories state no broadcast day (pub_date)")
    if len(stated) == 1:
        return stated[0]
    if stated:
        warnings.append(f"stories were broadcast on different days ({', '.join(d.isoformat() for d in stated[:5])}): no date")
    else:
        warnings.append("no story states when it was broadcast (pub_date): no date")
    return None


def read(seed: Seed) -> Reading:
    """Read a day file into one article per story, dated by the stories' broadcast day."""
    data = load(seed.text)
    stories = _stories(data)
    if stories is None:
        raise ValueError(f"{seed.path}: not a day file (a JSON object with a {LIST_KEY} list)")
    warnings: list[str] = []
    total = data.get("total") if isinstance(data, dict) else None
    if isinstance(total, int) and not isinstance(total, bool) and total != len(stories):
        warnings.append(f"total says {total} stories, {LIST_KEY} holds {len(stories)}")
    objects = [s for s in stories if isinstance(s, dict)]
    if len(objects) < len(stories):
        warnings.append(f"{len(stories) - len(objects)} entries of {LIST_KEY} are not story objects; skipped")
    if len(objects) > MAX_STORIES:
        warnings.append(f"{len(objects)} stories; only the first {MAX_STORIES} are read")
        objects = objects[:MAX_STORIES]
    ordered, more = running_order(objects)
    warnings += more
    told = [read_story(story, f"story {num if num is not None else f'#{i}'}") for i, (num, story) in enumerate(ordered, 1)]
    warnings += [w for story in told for w in story.warnings]
    articles = [story.article for story in told]
    if not articles:
        warnings.append(f"{LIST_KEY} holds no stories")
    day = _day([story.day for story in told], warnings)
    programme = _agreed([story.programme for story in told], PROGRAMME, "programme", warnings)
    date_text = f"{day.year}年{day.month}月{day.day}日" if day else None
    source = _agreed([story.source for story in told], PUBLISHER, "source", warnings)
    masthead = Masthead(paper=source, date=day, date_text=date_text)  # the paper is what names the source
    return Reading(
        kind=KIND,
        title=" ".join(x for x in (programme, date_text) if x),
        articles=tuple(articles),
        masthead=masthead,
        warnings=tuple(warnings),
    )
