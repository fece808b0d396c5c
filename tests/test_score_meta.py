"""Scored evaluation of the metadata extractors on the real corpus in shared/corpus (never copied here).

Dates and sources are scored against the corpus' own gold (dxy-news: pubDate, infoSource; cctv-xwlb:
pubtime, source); districts against tests/data/district_gold.csv, labelled by reading the documents.
Scores may not drop below tests/floors/meta.json. Run with -s to see the table.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from gen.meta.dates import STATED_DATE_SLACK, era_evidence, extract_date
from gen.meta.district import extract_district
from gen.meta.source import extract_source
from gen.model import Article, Reading, paragraph
from gen.tables import load_tables

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
HERE = Path(__file__).resolve().parent
FLOORS = HERE / "floors" / "meta.json"
DISTRICT_GOLD = HERE / "data" / "district_gold.csv"
# A date within half a year of the gold has the right year (and is off by the event/publication lag
# or by picking a narrated event); a wrong year is ~365 days off.
YEAR_TOLERANCE_DAYS = 183

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")


def load_floors(path: Path) -> dict[str, float | dict]:
    """The floors in a tests/floors/*.json file; keys starting with "_" are notes."""
    return {k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if not k.startswith("_")}


def floor_problems(values: dict[str, float], floors: dict[str, float | dict], where: str) -> list[str]:
    """Every mismatch between measured scores and their floors (shared by the tests/test_score_*.py files).

    Each measured metric needs a floor and each floor a measurement, so a new metric cannot go
    unguarded and a renamed one cannot leave a floor that checks nothing. A floor must be above 0
    (a floor of 0 cannot fail); a value that must stay exactly as it is is pinned as {"exactly": v}.
    """
    problems = [f"{k}: measured {values[k]:.3f} but {where} has no floor for it; add one "
                f"(the measured value rounded down to 2 decimals)" for k in sorted(set(values) - set(floors))]
    problems += [f"{k}: {where} has a floor for it but nothing measures it; remove it or measure it"
                 for k in sorted(set(floors) - set(values))]
    for k in sorted(set(values) & set(floors)):
        value, floor = values[k], floors[k]
        if isinstance(floor, dict):
            if set(floor) != {"exactly"}:
                problems.append(f"{k}: {where} gives {floor!r}; a pin is written {{\"exactly\": value}}")
            elif value != floor["exactly"]:
                problems.append(f"{k}: measured {value:.3f}, pinned at exactly {floor['exactly']} in {where} "
                                f"(see its _note for what to do when this changes)")
        elif not isinstance(floor, (int, float)) or isinstance(floor, bool) or floor <= 0:
            problems.append(f"{k}: floor {floor!r} in {where} cannot fail; give a floor above 0 or pin the value")
        elif value < floor:
            problems.append(f"{k}: {value:.3f} < floor {floor:.2f}")
    return problems


def _wire(text: str) -> Reading:
    return Reading(kind="wire", title=None, articles=(Article(blocks=(paragraph(text.strip()),)),))


def _html(text: str) -> Reading:
    """Title line + HTML fragment, stripped crudely into one paragraph per <p>/<br>."""
    title, _, body = text.partition("\n")
    paras = [re.sub(r"<[^>]+>", "", p).replace("&nbsp;", " ").strip() for p in re.split(r"</p>|<br\s*/?>", body)]
    return Reading(kind="html", title=title.strip(), articles=(Article(blocks=tuple(paragraph(p) for p in paras if p)),))


def _reading(relative: str) -> Reading:
    text = (CORPUS / relative).read_text(encoding="utf-8")
    return _html(text) if relative.endswith(".html") else _wire(text)


def _index(name: str) -> list[dict[str, str]]:
    with open(CORPUS / name / "index.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _documents(name: str) -> list[tuple[str, Reading, dt.date, str]]:
    """(path, reading, gold date, gold source) for every document of a corpus source."""
    date_field, source_field = {"dxy-news": ("pubDate", "infoSource"), "cctv-xwlb": ("pubtime", "source")}[name]
    return [(f"{name}/{row['file']}", _reading(f"{name}/{row['file']}"),
             dt.date.fromisoformat(row[date_field][:10]), row[source_field]) for row in _index(name)]


def normalise_source(name: str) -> str:
    """One spelling per publisher: 央视新闻app -> 央视新闻, 北京市卫生健康委员会 -> 北京卫健委."""
    name = unicodedata.normalize("NFKC", name).replace("\u200d", "").strip()
    name = re.sub(r"(app|APP|微博|客户端|官方微博|官网|网站)$", "", name)
    name = re.sub(r"卫生健康委(员会)?$", "卫健委", name)
    return re.sub(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)卫健委$", "卫健委", name)


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def corpora():
    return {name: _documents(name) for name in ("dxy-news", "cctv-xwlb")}


def score_dates(docs, tables) -> dict[str, float]:
    dated = exact = near = 0
    for _, reading, gold, _ in docs:
        found = extract_date(reading, tables)
        if found is None:
            continue
        dated += 1
        exact += found.value == gold
        near += abs((found.value - gold).days) <= YEAR_TOLERANCE_DAYS
    n = len(docs)
    return {"accuracy": exact / n, "coverage": dated / n, "precision": exact / max(dated, 1),
            "year_precision": near / max(dated, 1)}


def score_sources(docs, tables) -> dict[str, float]:
    stated = right = 0
    for _, reading, _, gold in docs:
        found = extract_source(reading, tables)
        if found is None:
            continue
        stated += 1
        right += normalise_source(found.value) == normalise_source(gold)
    return {"coverage": stated / len(docs), "precision": right / max(stated, 1)}


def score_districts(tables) -> tuple[dict[str, float], list[str]]:
    with open(DISTRICT_GOLD, encoding="utf-8", newline="") as fh:
        gold = list(csv.DictReader(fh))
    right = named_right = named = 0
    misses = []
    for row in gold:
        reading = _reading(row["file"])
        source = extract_source(reading, tables)
        found = extract_district(reading, tables, source=source.value if source else None)
        value = found.value if found else ""
        right += value == row["expected"]
        if row["expected"] not in ("", "北京市"):
            named += 1
            named_right += value == row["expected"]
        if value != row["expected"]:
            misses.append(f"{row['file']}: expected {row['expected'] or '-'}, got {value or '-'}"
                          f" ({found.basis if found else ''})")
    return {"accuracy": right / len(gold), "district_recall": named_right / max(named, 1)}, misses


@pytest.fixture(scope="module")
def scores(corpora, tables):
    out: dict[str, float] = {}
    for name, docs in corpora.items():
        short = name.split("-")[0]
        out.update({f"dates.{short}.{k}": v for k, v in score_dates(docs, tables).items()})
        out.update({f"source.{short}.{k}": v for k, v in score_sources(docs, tables).items()})
    district, misses = score_districts(tables)
    out.update({f"district.gold.{k}": v for k, v in district.items()})
    return out, misses


def test_meta_scores_meet_floors(scores, corpora):
    values, misses = scores
    floors = load_floors(FLOORS)
    print(f"\n{'metric':32s} {'score':>7s} {'floor':>7s}")
    for key in sorted(values):
        print(f"{key:32s} {values[key]:7.3f} {floors.get(key, '-')!s:>7s}")
    print(f"documents: dxy-news {len(corpora['dxy-news'])}, cctv-xwlb {len(corpora['cctv-xwlb'])}, "
          f"district gold {sum(1 for _ in open(DISTRICT_GOLD, encoding='utf-8')) - 1}")
    print("district misses:\n  " + "\n  ".join(misses))
    problems = floor_problems(values, floors, FLOORS.name)
    assert not problems, f"scores against {FLOORS}:\n" + "\n".join(problems)


def test_floor_problems_scores_meeting_their_floors_pass():
    assert floor_problems({"a": 0.5, "b": 0.0}, {"a": 0.5, "b": {"exactly": 0.0}}, "f.json") == []


def test_floor_problems_measured_metric_without_floor_fails():
    assert floor_problems({"a": 0.5, "new": 0.3}, {"a": 0.4}, "f.json") == [
        "new: measured 0.300 but f.json has no floor for it; add one (the measured value rounded down to 2 decimals)"]


def test_floor_problems_floor_never_measured_fails():
    assert floor_problems({"a": 0.5}, {"a": 0.4, "gone": 0.2}, "f.json") == [
        "gone: f.json has a floor for it but nothing measures it; remove it or measure it"]


def test_floor_problems_floor_that_cannot_fail_is_refused():
    problems = floor_problems({"a": 0.0, "b": 0.5, "c": 0.5}, {"a": 0.0, "b": "0.4", "c": {"at_least": 0.4}}, "f.json")
    assert [p.split(":")[0] for p in problems] == ["a", "b", "c"]
    assert "cannot fail" in problems[0] and "cannot fail" in problems[1] and "exactly" in problems[2]


def test_floor_problems_score_below_floor_or_off_its_pin_fails():
    assert floor_problems({"a": 0.39, "b": 0.01}, {"a": 0.4, "b": {"exactly": 0.0}}, "f.json") == [
        "a: 0.390 < floor 0.40",
        "b: measured 0.010, pinned at exactly 0.0 in f.json (see its _note for what to do when this changes)"]


def test_date_bases_by_era_term(corpora, tables):
    """Which era rows decide years on the corpus (printed), and that no inferred year is wrong."""
    decided: Counter[str] = Counter()
    wrong_year = []
    for docs in corpora.values():
        for path, reading, gold, _ in docs:
            found = extract_date(reading, tables)
            if found is None or not found.basis.startswith("推断"):
                continue
            for term in found.basis.split("：", 1)[1].split("；")[0].split("、"):
                decided[term] += 1
            if abs((found.value - gold).days) > YEAR_TOLERANCE_DAYS:
                wrong_year.append(f"{path}: {found.value} ({found.basis}), gold {gold}")
    print("\nyear inferences by evidence: " + ", ".join(f"{t} {n}" for t, n in decided.most_common()))
    assert not wrong_year, "inferred years contradicted by the gold date:\n" + "\n".join(wrong_year)


def test_era_rows_hold_on_the_corpus(corpora, tables):
    """Every era row is true for every corpus document containing its term (gold date within range)."""
    violations = []
    hits: Counter[str] = Counter()
    for docs in corpora.values():
        for path, reading, gold, _ in docs:
            for rule in era_evidence(unicodedata.normalize("NFKC", reading.text), tables.era):
                hits[rule.term] += 1
                if not rule.applies_to(gold):
                    continue
                if (rule.start and gold < rule.start - STATED_DATE_SLACK) or (
                        rule.end and gold > rule.end + STATED_DATE_SLACK):
                    violations.append(f"{rule.term} (era.csv:{rule.line}): {path} dated {gold}")
    print("\nera rows found in corpus documents: " + ", ".join(f"{r.term} {hits[r.term]}" for r in tables.era))
    assert not violations, "era rows contradicted by gold dates:\n" + "\n".join(violations)


def test_district_gold_labels_are_valid(tables):
    allowed = {d.name for d in tables.districts} | {"北京市", ""}
    with open(DISTRICT_GOLD, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 60
    assert all(row["expected"] in allowed and (CORPUS / row["file"]).is_file() for row in rows)
    assert len({row["file"] for row in rows}) == len(rows)
