import datetime as dt

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from gen import frontmatter as fm

DISTRICTS = frozenset({"石景山区", "海淀区", "北京市"})


def test_dump_fixed_key_order_and_quoted_strings():
    text = fm.dump({"tags": ["核酸检测"], "seed": "seeds/a.txt", "title": "标题", "date": dt.date(2020, 4, 16)})
    assert text == '---\ntitle: "标题"\ndate: 2020-04-16\ntags:\n  - "核酸检测"\nseed: "seeds/a.txt"\n---\n'


def test_dump_leaves_out_none_and_writes_empty_lists():
    assert fm.dump({"title": "t", "district": None, "tags": []}) == '---\ntitle: "t"\ntags: []\n---\n'


@pytest.mark.parametrize("value", ["NO", "yes", "010", "12:30:00", "a #b", "2020-01-01", "~", "null", "- x", "[1]", "{a: 1}", 'q"uote', "back\\slash"])
def test_quote_yaml_1_1_traps_read_back_as_text(value):
    assert fm.parse(fm.dump({"title": value}) + "body").meta["title"] == value


def test_mkdocs_loader_reads_the_dump_the_same_way():
    meta = {"title": "NO #1", "date": dt.date(2020, 7, 7), "tags": ["高考"], "seed": "seeds/x.txt"}
    block = fm.dump(meta).strip().strip("-")
    assert yaml.safe_load(block) == meta


printable = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(
    title=printable.filter(lambda s: s.strip()),
    tags=st.lists(printable.filter(lambda s: s.strip()), max_size=4),
    date=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)
def test_round_trip_is_exact(title, tags, date):
    meta = {"title": title, "date": date, "tags": tags, "seed": "seeds/x.txt"}
    text = fm.dump(meta)
    parsed = fm.parse(text + "body")
    assert fm.typed(parsed.meta) == meta
    assert fm.dump(fm.typed(parsed.meta)) == text
    assert parsed.body == "body"


def test_parse_reports_yaml_error_with_line():
    with pytest.raises(fm.FrontMatterError) as exc:
        fm.parse('---\ntitle: "a"\ntags: [x\n---\nbody', "docs/p.md")
    (problem,) = exc.value.problems
    assert problem.path == "docs/p.md" and problem.line >= 3 and "YAML" in problem.message


def test_parse_refuses_duplicate_keys():
    with pytest.raises(fm.FrontMatterError) as exc:
        fm.parse('---\ntitle: "a"\ntitle: "b"\n---\n', "p.md")
    assert exc.value.problems[0].field == "title" and exc.value.problems[0].line == 3


def test_parse_unclosed_front_matter():
    with pytest.raises(fm.FrontMatterError, match="closing"):
        fm.parse('---\ntitle: "a"\n', "p.md")


def test_parse_page_without_front_matter():
    parsed = fm.parse("# Hello\n")
    assert parsed.meta == {} and parsed.body == "# Hello\n"


def test_validate_reports_every_problem_with_line_and_field():
    text = '---\ntitle: "t"\ndate: 2020-02-30\ndistirct: "海淀区"\ndistrict: "朝阳"\ntags: "x"\nseed: "s"\n---\n'
    problems = fm.validate(fm.parse(text), "p.md", DISTRICTS)
    found = {(p.field, p.line) for p in problems}
    assert found == {("date", 3), ("distirct", 4), ("district", 5), ("tags", 6)}
    assert any("did you mean 'district'" in p.message for p in problems)
    assert any("not a real date" in p.message for p in problems)


def test_validate_accepts_material_keys_and_plain_words():
    text = '---\ntitle: NO\nhide:\n  - toc\nsearch:\n  exclude: true\n---\n'
    assert fm.validate(fm.parse(text), "p.md", DISTRICTS) == []
