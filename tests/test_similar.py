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
