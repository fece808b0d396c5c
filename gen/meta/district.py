"""Which Beijing district a document is about (or 北京市 for the whole city), from weighted evidence:
district names, officials by name and role, a district newspaper, streets, communities, landmarks.

Precedence (first that decides wins):
  1. the author's district: a district paper (报头/电头) or a district official named with the role;
  -  a round-up (各地…, 北京、辽宁、福建等地) is about no one place: None;
  2. framing: a district named in the title or the lead (石景山区, 北京海淀);
  3. framing: Beijing itself named in the title or the lead (北京市…, 北京：…);
  4. a listing of districts (朝阳、顺义、房山等3个区; case counts by district): the city;
  5. the body's evidence, when one district clearly leads and Beijing is what the text is about;
  6. the city, when Beijing is what the text is about.
Names that also exist outside Beijing, time zones, stations and airports are traps.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from gen.clean import nfkc_head
from gen.meta.dates import DEFAULT_SCOPE
from gen.meta.officials import in_office, officials_named
from gen.model import Found, Reading
from gen.tables import CITY, Tables


EVIDENCE_WEIGHTS = {
    "报刊": 5.0,  # a district newspaper's masthead or dateline
    "官员": 4.0,  # 区委书记于军 during his term
    "正文": 3.0,  # the full name, 石景山区, or 北京石景山
    "简称": 2.0,  # 石景山新冠肺炎…, 海淀要… in a text about Beijing
    "我区": 2.0,  # 我区/本区/全区 in a district newspaper
    "街道": 2.0,  # 八角街道, 十八里店乡
    "地标": 2.0,  # strong landmarks; weak ones get LANDMARK_WEAK
    "社区": 1.5,  # 八角路社区
}
LANDMARK_WEAK = 0.75
MENTIONS_CAP = 3  # mentions of one kind for one district that count
MIN_SCORE = 3.0  # an author's district needs at least this much evidence …
MIN_BODY_SCORE = 5.0  # … and a district found only in the body more than one mention's worth …
DOMINANCE = 2.0  # … and this many times the runner-up's
MANY_DISTRICTS = 3  # this many districts with body evidence: the city is the subject
OTHER_REGIONS_MAX = 1  # more other provinces/cities than this: a round-up, not a Beijing text
FRAME_CHARS = 80  # the lead, for framing: the first characters of the body

# Short names that are ordinary words or places elsewhere: they count only right after 北京.
AMBIGUOUS_SHORT = ("东城", "西城", "朝阳", "通州", "大兴", "怀柔")
# What may follow a name without it being the district: stations, gates, airports, hospitals.
NAME_TRAPS = re.compile(r"^(站|门|路|大街|北路|南路|公园|安岭|机场|国际机场|医院|区?人民医院)")
# A route's end ("大连北至北京朝阳"): a station, not the district.
ROUTE_BEFORE = re.compile(r"(至|开往|往返|直达)\s*(北京)?$")
# Listings of districts: "朝阳、顺义、房山等3个区", "东城区12例、西城区53例…".
LIST_SEPARATORS = "、，,和及与"
LIST_MIN = 3

BEIJING = re.compile(r"北京(?!时间)|京城|进京|返京|来京|在京|抵京|离京|京津冀")
# 北京 as a place that frames the text: not the time zone, an institution's name, or one of a list.
BEIJING_FRAME = re.compile(
    r"北京(市)?(?!时间|以外|之外)(?![^，。、\s]{0,8}?(医院|大学|学院|研究所|研究院|机场|站|日报|晚报|青年报|冬奥|冬残奥))")
# The capital as the venue of national events ("在北京举行", "在北京以视频方式会见"): not a Beijing text.
NATIONAL_VENUE = re.compile(r"^[^，。；]{0,14}?(举行|召开|举办|会见|会谈|出席|主持|以视频|人民大会堂|钓鱼台|开幕|闭幕|宣布|接受)")
# Beijing named as one of several places ("北京、辽宁、福建等地", "北京河北"): a round-up.
LISTED_WITH = re.compile(r"^\s*[、和与及]|[、和与及]\s*$")
ROUNDUP = re.compile(r"各地|多地|多省|各省|全国各")
CITY_WORDS = re.compile(r"本市|全市")
OUR_DISTRICT = re.compile(r"我区|本区|全区")
OTHER_REGIONS = ("天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
                 "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州",
                 "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾", "武汉", "深圳",
                 "广州", "石家庄", "长春", "哈尔滨", "沈阳", "大连", "南京", "杭州", "西安", "成都", "青岛",
                 "张家口", "通化", "绥化", "邢台", "扬州", "郑州", "厦门", "昆明", "乌鲁木齐")
DIVISION_SUFFIXES = ("街道", "地区", "镇", "乡")
COMMUNITY_SUFFIXES = ("社区", "村")


@dataclass(frozen=True)
class Evidence:
    district: str
    kind: str  # a key of EVIDENCE_WEIGHTS
    weight: float
    basis: str  # e.g. "官员：于军（海淀区委书记）"
    offset: int  # first position in the text, for stable tie-breaking


@dataclass(frozen=True)
class _Gazetteer:
    """Lookup structures built once from the tables."""

    full: dict[str, str]  # 石景山区 -> 石景山区
    short: dict[str, str]  # 石景山 -> 石景山区
    traps: dict[str, tuple[str, ...]]  # 朝阳区 -> (吉林省, 吉林, 长春市, 长春, 辽宁省, 辽宁)
    elsewhere: frozenset[str]  # full names that also name a unit outside Beijing: 朝阳区, 通州区
    divisions: dict[str, frozenset[str]]  # 八角街道 / 八角地区 / 八角镇 / 八角乡 -> districts
    communities: dict[str, frozenset[tuple[str, tuple[str, ...]]]]  # 八角路社区 -> {(district, streets)}
    landmarks: tuple[tuple[str, str, str], ...]  # (name, district, evidence)
    listing: re.Pattern[str]
    max_division: int
    max_community: int


def _trap_places(short_name: str, elsewhere: tuple[str, ...]) -> tuple[str, ...]:
    """Places that mark a same-name unit outside Beijing: 吉林省长春市朝阳区 -> 吉林省, 吉林, 长春市, 长春
    (辽宁省朝阳市 gives 辽宁 but not 朝阳, which is the name itself)."""
    places = []
    for entry in elsewhere:
        for part in re.findall(r"[^省市区县盟州]+?(?:省|自治区|市|地区|盟|州|县)", entry):
            stem = re.sub(r"(省|市|自治区|地区|盟|州|县)$", "", part)
            places.extend(p for p in ((part, stem) if len(stem) >= 2 else (part,)) if short_name not in p)
    return tuple(dict.fromkeys(places))


def _listing_pattern(short_names: list[str]) -> re.Pattern[str]:
    """LIST_MIN or more district names in a run, or two or more followed by 等N个区."""
    name = "(?:" + "|".join(map(re.escape, sorted(short_names, key=len, reverse=True))) + ")区?"
    item = rf"{name}\s*(?:\d+例|\d+天)?\s*[{LIST_SEPARATORS}]\s*"
    return re.compile(rf"(?:{item}){{{LIST_MIN - 1},}}{name}|(?:{item})+{name}\s*等\s*\d+\s*个区")


@functools.cache  # Tables hash by identity, so this is built once per loaded table set
def _gazetteer(tables: Tables) -> _Gazetteer:
    full = {d.name: d.name for d in tables.districts}
    short = {d.short_name: d.name for d in tables.districts}
    traps = {d.name: _trap_places(d.short_name, d.elsewhere) for d in tables.districts}
    elsewhere = frozenset(d.name for d in tables.districts if any(e.endswith(d.name) for e in d.elsewhere))
    divisions: dict[str, set[str]] = defaultdict(set)
    for div in tables.divisions:
        if div.kind.startswith("其他"):
            continue
        divisions[div.name].add(div.district)
        if div.short_name != div.name and len(div.short_name) >= 2:
            for suffix in DIVISION_SUFFIXES:
                divisions[div.short_name + suffix].add(div.district)
    communities: dict[str, set[tuple[str, tuple[str, ...]]]] = defaultdict(set)
    for c in tables.communities:
        if c.short_name.endswith(COMMUNITY_SUFFIXES) and len(c.short_name) >= 4:
            communities[c.short_name].add((c.district, c.street_names))
    landmarks = tuple((lm.name, lm.district, lm.evidence) for lm in tables.landmarks if lm.evidence != "none")
    return _Gazetteer(full, short, traps, elsewhere,
                      {k: frozenset(v) for k, v in divisions.items()},
                      {k: frozenset(v) for k, v in communities.items()},
                      landmarks, _listing_pattern(list(short)),
                      max(map(len, divisions)), max(map(len, communities)))


def _is_foreign(text: str, start: int, trap_places: tuple[str, ...], same_name_elsewhere: bool) -> bool:
    """A same-name place elsewhere: its province or city just before it, or (for names that exist
    elsewhere) a text that never mentions Beijing: 长春市朝阳区, or 朝阳区分局 in a Jilin report."""
    before = text[max(0, start - 12):start]
    if any(p in before for p in trap_places):
        return True
    return same_name_elsewhere and not BEIJING.search(text)


def _district_names(text: str, g: _Gazetteer, about_beijing: bool, *, strict: bool = False) -> list[Evidence]:
    """Full names (石景山区), 北京 + short name (北京石景山) and, unless strict, bare short names."""
    out: list[Evidence] = []
    taken: list[tuple[int, int]] = []
    for name in sorted(g.full, key=len, reverse=True):
        if name not in text:  # most are not: skip the regex
            continue
        for m in re.finditer(re.escape(name), text):
            taken.append(m.span())
            if _is_foreign(text, m.start(), g.traps[name], name in g.elsewhere) or NAME_TRAPS.match(
                    text[m.end():m.end() + 5]):
                continue
            out.append(Evidence(name, "正文", EVIDENCE_WEIGHTS["正文"], f"正文：{name}", m.start()))
    for short, name in g.short.items():
        if short not in text:
            continue
        for m in re.finditer(re.escape(short), text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            if NAME_TRAPS.match(text[m.end():m.end() + 5]):
                continue
            prefixed = text[max(0, m.start() - 2):m.start()] == "北京"
            if ROUTE_BEFORE.search(text[max(0, m.start() - 4):m.start()]):
                continue
            if not prefixed and (strict or short in AMBIGUOUS_SHORT or not about_beijing):
                continue
            if _is_foreign(text, m.start(), g.traps[name], name in g.elsewhere or short in AMBIGUOUS_SHORT):
                continue
            if prefixed:
                out.append(Evidence(name, "正文", EVIDENCE_WEIGHTS["正文"], f"正文：北京{short}", m.start()))
            else:
                out.append(Evidence(name, "简称", EVIDENCE_WEIGHTS["简称"], f"简称：{short}", m.start()))
    return out


def _suffix_matches(text: str, suffixes: tuple[str, ...], lookup: dict, longest: int):
    """(surface form, start) for each longest known name ending in one of the suffixes."""
    for suffix in suffixes:
        for m in re.finditer(re.escape(suffix), text):
            end = m.end()
            for size in range(min(longest, end), len(suffix), -1):
                form = text[end - size:end]
                if form in lookup:
                    yield form, end - size
                    break


def _places(text: str, g: _Gazetteer) -> list[Evidence]:
    """Streets and towns, communities (unique, or with their street named) and landmarks."""
    out: list[Evidence] = []
    for form, start in _suffix_matches(text, DIVISION_SUFFIXES, g.divisions, g.max_division):
        districts = g.divisions[form]
        if len(districts) == 1:
            (district,) = districts
            out.append(Evidence(district, "街道", EVIDENCE_WEIGHTS["街道"], f"街道：{form}", start))
    for form, start in _suffix_matches(text, COMMUNITY_SUFFIXES, g.communities, g.max_community):
        options = g.communities[form]
        with_street = {d for d, streets in options if any(s in text or s[:-2] in text for s in streets)}
        districts = {d for d, _ in options}
        if len(with_street) == 1:
            (district,) = with_street
        elif len(districts) == 1 and form.endswith("社区"):
            (district,) = districts
        else:
            continue
        out.append(Evidence(district, "社区", EVIDENCE_WEIGHTS["社区"], f"社区：{form}", start))
    for name, district, strength in g.landmarks:
        pos = text.find(name)
        if pos >= 0:
            weight = EVIDENCE_WEIGHTS["地标"] if strength == "strong" else LANDMARK_WEAK
            out.append(Evidence(district, "地标", weight, f"地标：{name}", pos))
    return out


def _officials(text: str, tables: Tables) -> list[Evidence]:
    out: list[Evidence] = []
    for rows in officials_named(text, tables.officials):
        # an official counts for a district only if the term overlaps the archive's period
        in_scope = {o.district for o in rows if in_office(o, *DEFAULT_SCOPE)}
        if len(in_scope) != 1:
            continue
        (district,) = in_scope
        o = rows[0]
        short = district[:-1] if district.endswith("区") else district
        basis = f"官员：{o.name}（{short}{o.role}）"
        out.append(Evidence(district, "官员", EVIDENCE_WEIGHTS["官员"], basis, text.find(o.name)))
    return out


def _outlets(reading: Reading, tables: Tables, source: str | None) -> list[tuple[str, str]]:
    """(name, district) of the masthead paper and the stated source, when the sources table knows them."""
    names = [n for n in (reading.masthead.paper if reading.masthead else None, source) if n]
    return [(n, rule.district) for n in names for rule in tables.sources if rule.name == n and rule.district]


def _paper(text: str, outlets: list[tuple[str, str]]) -> list[Evidence]:
    for name, district in outlets:
        if district != CITY:
            out = [Evidence(district, "报刊", EVIDENCE_WEIGHTS["报刊"], f"报刊：{name}", -1)]
            out += [Evidence(district, "我区", EVIDENCE_WEIGHTS["我区"], f"我区：{name}", m.start())
                    for m in OUR_DISTRICT.finditer(text)]
            return out
    return []


def _score(evidence: list[Evidence]) -> list[tuple[str, float]]:
    """Districts by evidence, best first (each kind counts at most MENTIONS_CAP times)."""
    by_kind: dict[tuple[str, str], list[float]] = defaultdict(list)
    for e in evidence:
        by_kind[(e.district, e.kind)].append(e.weight)
    totals: dict[str, float] = defaultdict(float)
    for (district, _), weights in by_kind.items():
        totals[district] += sum(sorted(weights, reverse=True)[:MENTIONS_CAP])
    return sorted(totals.items(), key=lambda kv: -kv[1])


def _strongest(evidence: list[Evidence], district: str) -> str:
    mine = [e for e in evidence if e.district == district]
    return max(mine, key=lambda e: (e.weight, -e.offset)).basis


def _leading(evidence: list[Evidence], min_score: float) -> str | None:
    """The district with min_score and DOMINANCE over the runner-up, if any."""
    ranked = _score(evidence)
    if not ranked:
        return None
    top, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    return top if best >= min_score and best >= DOMINANCE * runner_up else None


def _frames(reading: Reading, text: str) -> tuple[str, ...]:
    """The title and the lead (first FRAME_CHARS of the body), in that order."""
    body = nfkc_head(reading.articles[0].text if reading.articles else "", FRAME_CHARS, strip=True)
    title = unicodedata.normalize("NFKC", reading.title or "")
    return tuple(p for p in (title, body or text[:FRAME_CHARS]) if p)


def _beijing_places(text: str, g: _Gazetteer) -> list[re.Match[str]]:
    """北京 as a place on its own: not 北京市海淀区 (a district), not listed with other regions."""
    out = []
    for m in BEIJING_FRAME.finditer(text):
        after, before = text[m.end():m.end() + 4], text[max(0, m.start() - 1):m.start()]
        if any(after.startswith(short) for short in g.short):
            continue
        if LISTED_WITH.search(before) or LISTED_WITH.match(after) or any(after.startswith(r) for r in OTHER_REGIONS):
            continue
        if before == "在" and NATIONAL_VENUE.match(text[m.end():m.end() + 20]):
            continue
        out.append(m)
    return out


def _first_frame(frame: str, g: _Gazetteer, about_beijing: bool) -> tuple[str, str] | None:
    """(value, basis) of the first district or Beijing named in a title or lead."""
    listed = [m.span() for m in g.listing.finditer(frame)]
    found = [(e.offset, e.district, e.basis.split("：", 1)[1])
             for e in _district_names(frame, g, about_beijing, strict=True)
             if not any(s <= e.offset < end for s, end in listed)]
    found += [(m.start(), CITY, "北京") for m in _beijing_places(frame, g)]
    if not found:
        return None
    _, value, name = min(found)
    return value, name


_REGIONS = "|".join(OTHER_REGIONS)
LISTED_REGIONS = re.compile(rf"北京(市)?\s*[、和与及]?\s*({_REGIONS})|({_REGIONS})(省|市)?\s*[、和与及]\s*北京")


def _round_up(frame: str) -> bool:
    """Beijing listed with other places ("北京、辽宁、福建等地", "在北京河北考察"), or 各地."""
    return bool(ROUNDUP.search(frame) or LISTED_REGIONS.search(frame))


def extract_district(reading: Reading, tables: Tables, *, source: str | None = None) -> Found | None:
    """The district the document is about (石景山区), 北京市 for city-wide texts, or None."""
    text = reading.folded
    g = _gazetteer(tables)
    outlets = _outlets(reading, tables, source)
    beijing_outlet = bool(outlets)
    author = _paper(text, outlets) + _officials(text, tables)
    listing = g.listing.search(text)
    about_beijing = bool(BEIJING.search(text) or author or beijing_outlet or listing)

    # 1. The author's district.
    district = _leading(author, MIN_SCORE)
    if district:
        return Found(district, _strongest(author, district))

    # 2./3. A district, else Beijing, named first in the title, else in the lead; a round-up stops here.
    frames = _frames(reading, text)
    if any(_round_up(f) for f in frames):
        return None
    firsts = [_first_frame(f, g, about_beijing) for f in frames]
    labels = ["标题" if reading.title and i == 0 else "正文" for i in range(len(frames))]
    for (first, label) in zip(firsts, labels):
        if first and first[0] != CITY:
            return Found(first[0], f"{label}：{first[1]}")
    for (first, label) in zip(firsts, labels):
        if first:
            return Found(CITY, f"{label}：{first[1]}")
    if beijing_outlet and any(CITY_WORDS.search(f) for f in frames):
        return Found(CITY, "正文：本市")

    body = _district_names(text, g, about_beijing)
    # A district's full name is itself a Beijing cue; streets, communities and landmarks are not.
    if not (about_beijing or any(e.kind == "正文" for e in body)):
        return None
    body += _places(text, g)
    # 4. A listing of districts: the city is the subject.
    if listing:
        return Found(CITY, "多区并列")
    if len([r for r in OTHER_REGIONS if r in text]) > OTHER_REGIONS_MAX:
        return None  # a text about many places: Beijing is one example among others
    # 5. One district clearly leads the body's evidence.
    ranked = _score(body)
    if len(ranked) >= MANY_DISTRICTS:
        return Found(CITY, "多区并列")
    district = _leading(body, MIN_BODY_SCORE)
    if district:
        return Found(district, _strongest(body, district))
    # 6. The city, when Beijing is what the text is about.
    if len(ranked) >= 2:
        return Found(CITY, "多区并列")
    if len(_beijing_places(text, g)) >= 3:
        return Found(CITY, "正文：北京市")
    return None
