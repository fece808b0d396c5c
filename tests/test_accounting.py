"""Nothing is lost: a build over the whole shared corpus mixed with hostile and broken inputs
accounts for every input file in its report, and the bad ones never stop the rest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from gen.cli import main
from gen.fs import MAX_SEED_BYTES
from tests.conftest import REPO

HOSTILE = REPO / "tests" / "fixtures" / "hostile"
OUTCOMES = {"written", "duplicate", "error"}


def _broken_inputs(folder: Path) -> dict[str, str | None]:
    """Bad files made here (too big to keep in the repository); name -> what the report must say
    (None: the file is fine and must be written)."""
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "whitespace_only.txt").write_text(" \n\u3000\t\n", encoding="utf-8")
    (folder / "picture.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8)
    (folder / "archive.zip").write_bytes(b"PK\x03\x04\x14\x00\x00\x00" + bytes(1024))
    (folder / "document.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nstream\n\x00\x01\x02endstream\n")
    with open(folder / "fifty_megabytes.txt", "wb") as f:
        line = "北京市石景山区疫情防控工作会议。".encode() * 64 + b"\n"
        while f.tell() <= MAX_SEED_BYTES * 2.5:
            f.write(line)
    (folder / "one_long_line.txt").write_text("新京报讯 6月1日，" + "石景山区加强社区防控，严格落实各项措施，" * 250_000, encoding="utf-8")
    return {"empty.txt": "is empty", "whitespace_only.txt": "has no text", "picture.jpg": "is a JPEG image, not text",
            "archive.zip": "is a ZIP archive", "document.pdf": "is a PDF document, not text",
            "fifty_megabytes.txt": "not read", "one_long_line.txt": None}


def test_every_input_is_accounted_for(corpus, tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    shutil.copytree(corpus / "dxy-news" / "docs", seeds / "dxy")
    shutil.copytree(corpus / "cctv-xwlb" / "items", seeds / "cctv")
    if HOSTILE.is_dir():
        shutil.copytree(HOSTILE, seeds / "hostile")
    expected = _broken_inputs(seeds / "broken")
    inputs = sorted(p.relative_to(tmp_path).as_posix() for p in seeds.rglob("*") if p.is_file() and not p.name.endswith(".csv"))
    monkeypatch.chdir(tmp_path)

    main(["build", "--no-cache"])

    report = json.loads((tmp_path / "build" / "report.json").read_text(encoding="utf-8"))
    seen = [s["seed"] for s in report["seeds"]]
    assert sorted(seen) == inputs, "every input appears in the report exactly once"
    by_seed = {s["seed"]: s for s in report["seeds"]}
    assert {s["outcome"] for s in report["seeds"]} <= OUTCOMES
    for name, says in expected.items():
        entry = by_seed[f"seeds/broken/{name}"]
        if says is None:
            assert entry["outcome"] == "written", entry
            continue
        assert entry["outcome"] == "error", entry
        assert entry["problems"] and entry["problems"][0].startswith(f"seeds/broken/{name}:"), entry
        assert says in entry["problems"][0], entry
    for entry in report["seeds"]:
        if entry["outcome"] == "error":
            assert entry["problems"], entry
        if entry["outcome"] == "duplicate":
            assert entry["reason"].startswith("byte-identical to seeds/"), entry
    written = [s for s in report["seeds"] if s["outcome"] == "written"]
    assert len(written) >= 10_000
    assert all((tmp_path / "docs" / s["page"]).is_file() for s in written)
