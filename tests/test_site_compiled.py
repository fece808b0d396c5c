"""The theme's templates compiled once and kept (gen/site/compiled.py)."""

from __future__ import annotations

import jinja2

from gen.site.compiled import TemplateCache


def _env(tmp_path, cache) -> jinja2.Environment:
    templates = tmp_path / "templates"
    if not templates.is_dir():
        templates.mkdir()
        (templates / "page.html").write_text("{% for x in xs %}<{{ x }}>{% endfor %}", encoding="utf-8")
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), bytecode_cache=cache)


def _compiled(env: jinja2.Environment, monkeypatch) -> list[str]:
    """The templates env compiles (rather than reads from its cache) while rendering page.html."""
    compiled = []
    real = env.compile
    monkeypatch.setattr(env, "compile", lambda source, name=None, *a, **k: compiled.append(name) or real(source, name, *a, **k))
    assert env.get_template("page.html").render(xs=[1, 2]) == "<1><2>"
    return compiled


def test_a_template_is_compiled_once_then_read(tmp_path, monkeypatch):
    kept = tmp_path / "kept"
    kept.mkdir()
    assert _compiled(_env(tmp_path, TemplateCache(str(kept))), monkeypatch) == ["page.html"]
    assert len(list(kept.glob("*.cache"))) == 1
    assert _compiled(_env(tmp_path, TemplateCache(str(kept))), monkeypatch) == []  # a later build reads it
    (tmp_path / "templates" / "page.html").write_text("{% for x in xs %}<{{ x }}>{% endfor %}!", encoding="utf-8")
    env = _env(tmp_path, TemplateCache(str(kept)))
    assert env.get_template("page.html").render(xs=[1]) == "<1>!"  # an edited template is compiled again


def test_a_damaged_kept_template_is_compiled_again(tmp_path, monkeypatch):
    kept = tmp_path / "kept"
    kept.mkdir()
    _compiled(_env(tmp_path, TemplateCache(str(kept))), monkeypatch)
    (file,) = kept.glob("*.cache")
    whole = file.read_bytes()
    for damaged in (b"", b"j2", whole[:30], whole[:-20], b"\x00" * len(whole)):
        file.write_bytes(damaged)
        assert _compiled(_env(tmp_path, TemplateCache(str(kept))), monkeypatch) == ["page.html"], damaged[:12]


def test_a_folder_that_cannot_be_written_compiles_every_time(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder would be")
    env = _env(tmp_path, TemplateCache(str(blocked)))
    assert _compiled(env, monkeypatch) == ["page.html"]
