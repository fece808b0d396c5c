import pytest

from gen.similar import near_duplicates, similarity, sketch

STORY = "区委书记常卫主持召开石景山新冠肺炎疫情防控工作领导小组会议。会议指出，要坚持外防输入、内防反弹，落实快、严、准、实、细防控要求，以快制快、严防死守，巩固疫情防控成果。" * 2
OTHER = "北京市卫健委通报，本市新增本土确诊病例，均在管控人员中发现。各区要严格落实四方责任，加强社区防控和核酸筛查，做好重点人群健康监测和服务保障工作。" * 2


def test_sketch_skips_short_texts():
    assert sketch("a", "太短了") is None


def test_similarity_of_a_repost_with_a_changed_line_is_high():
    a, b = sketch("a", STORY), sketch("b", STORY.replace("常卫", "某某", 1))
    assert similarity(a, b) >= 0.8
    assert similarity(a, sketch("c", OTHER)) < 0.2


def test_near_duplicates_links_both_ways_and_leaves_others_out():
    sketches = [sketch("a", STORY), sketch("b", "（转载）" + STORY), sketch("c", OTHER)]
    assert near_duplicates(sketches) == {"a": ("b",), "b": ("a",)}


@pytest.mark.parametrize("max_bucket", [3, 8, 20])
def test_update_near_duplicates_equals_a_full_computation(monkeypatch, max_bucket):
    import random

    import gen.similar
    from gen.similar import update_near_duplicates

    monkeypatch.setattr(gen.similar, "MAX_BUCKET", max_bucket)

    rng = random.Random(7)
    base = [STORY, OTHER, STORY[::-1], OTHER[::-1]]
    texts = {f"d{i}": rng.choice(base) + "".join(rng.choice("甲乙丙丁戊己庚辛") for _ in range(rng.randint(0, 30))) for i in range(40)}
    old = [sketch(k, t) for k, t in sorted(texts.items())]
    old_result = near_duplicates(old)
    for step in range(40):
        texts = dict(texts)
        key = f"d{rng.randrange(45)}"
        if key in texts and rng.random() < 0.3:
            del texts[key]
        else:
            texts[key] = rng.choice(base) + "".join(rng.choice("甲乙丙丁戊己庚辛") for _ in range(rng.randint(0, 80)))
        new = [sketch(k, t) for k, t in sorted(texts.items())]
        assert update_near_duplicates(old, old_result, new) == near_duplicates(new), step
        old, old_result = new, near_duplicates(new)
