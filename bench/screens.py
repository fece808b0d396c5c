"""Screenshots of a built site: the home page and one document page, at desktop and phone widths,
in Material's light and dark palettes, taken in headless Debian chromium.

    .venv/bin/python bench/screens.py --out /tmp/screens              # the repository's seeds, built in a temporary folder
    .venv/bin/python bench/screens.py --site site --out /tmp/screens  # a site built already
    .venv/bin/python bench/screens.py --site site --out s --full-page --page archive/2020/x/

The site is served on 127.0.0.1 under /repo-name/ (as GitHub Pages serves a project site). Where
the site has a palette toggle its radio input is switched; otherwise the palette is set on <body>
(data-md-color-scheme "default" or "slate"), which is all Material's CSS reads. Files are named
<page>-<width>-<palette>.png: home-desktop-light.png, document-phone-dark.png …
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from harness import browser, build_site, chromium_available, serve  # noqa: E402

VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
SCHEMES = {"light": "default", "dark": "slate"}  # Material's data-md-color-scheme values

# Switch the palette: through the site's toggle when it has one (Material then also remembers
# it), else on <body>. Material links the stylesheet that defines the dark palette only when the
# theme configures a palette; without it, it is linked here from the site's own assets. Answers
# which way the palette was set.
SET_SCHEME = """([scheme, sheet]) => {
  const input = document.querySelector(`input[name="__palette"][data-md-color-scheme="${scheme}"]`)
  if (input) { input.click(); return "toggle" }
  if (sheet && !document.querySelector('link[href*="stylesheets/palette."]')) {
    const link = document.createElement("link")
    link.rel = "stylesheet"
    link.href = sheet
    document.head.appendChild(link)
  }
  document.body.setAttribute("data-md-color-scheme", scheme)
  return "body"
}"""
SCHEME_SHOWN = """([scheme]) => {
  const sheet = document.querySelector('link[href*="stylesheets/palette."]')
  return document.body.getAttribute('data-md-color-scheme') === scheme && (!sheet || !!sheet.sheet)
}"""


def document_page(site: Path) -> str:
    """The site-relative address of the first document page (in path order) of a built site."""
    pages = sorted(p for p in (site / "archive").rglob("index.html"))
    if not pages:
        raise SystemExit(f"{site}: no document page under archive/")
    return pages[0].parent.relative_to(site).as_posix() + "/"


def palette_sheet(site: Path) -> str | None:
    """Site-relative address of Material's palette stylesheet among the site's assets, if any."""
    sheets = sorted((site / "assets" / "stylesheets").glob("palette.*.css"))
    return sheets[0].relative_to(site).as_posix() if sheets else None


def cjk_font() -> bool:
    """Whether fontconfig knows a font with Chinese glyphs (without one, text shows as boxes)."""
    try:
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    except OSError:
        return False
    return bool(found.strip())


def file_name(page: str, width: str, palette: str) -> str:
    """<page>-<width>-<palette>.png"""
    return f"{page}-{width}-{palette}.png"


def shoot(base: str, pages: dict[str, str], sheet: str | None, out: Path, full_page: bool) -> tuple[list[Path], set[str]]:
    """Every page at every width in every palette; the PNGs written and how the palette was set."""
    written, ways = [], set()
    with browser() as b:
        for width, (w, h) in VIEWPORTS.items():
            context = b.new_context(viewport={"width": w, "height": h}, device_scale_factor=1)
            page = context.new_page()
            for name, address in pages.items():
                page.goto(base + address)
                page.wait_for_load_state("networkidle")
                for palette, scheme in SCHEMES.items():
                    ways.add(page.evaluate(SET_SCHEME, [scheme, sheet and base + sheet]))
                    page.wait_for_function(SCHEME_SHOWN, arg=[scheme])
                    page.wait_for_timeout(300)  # Material's colour transitions
                    path = out / file_name(name, width, palette)
                    page.screenshot(path=str(path), full_page=full_page)
                    written.append(path)
            context.close()
    return written, ways


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="a built site folder (default: build the repository's seeds in a temporary folder)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNGs")
    parser.add_argument("--page", help="the document page's site-relative address (default: the first under archive/)")
    parser.add_argument("--full-page", action="store_true", help="the whole page, not only the window")
    args = parser.parse_args(argv)
    reason = chromium_available()
    if reason:
        print(f"cannot run: {reason}")
        return 1
    if not cjk_font():
        print("warning: no font with Chinese glyphs (fc-list :lang=zh finds none): Chinese text will show as boxes; "
              "on Debian: apt-get install fonts-noto-cjk")
    with tempfile.TemporaryDirectory(prefix="screens-") as work:
        if args.site:
            site = args.site
        else:
            print(f"building the site of {REPO / 'seeds'} in {work} …", flush=True)
            site = build_site(REPO / "seeds", Path(work))
        if not (site / "index.html").is_file():
            print(f"{site}: no index.html: not a built site")
            return 1
        pages = {"home": "", "document": args.page or document_page(site)}
        args.out.mkdir(parents=True, exist_ok=True)
        with serve(site) as base:
            written, ways = shoot(base, pages, palette_sheet(site), args.out, args.full_page)
    how = {"toggle": "the site's palette toggle",
           "body": "data-md-color-scheme on <body> (the site has no toggle; Material's palette stylesheet linked if missing)"}
    print(f"document page: {pages['document']}; palette set by {' and '.join(how[w] for w in sorted(ways))}")
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
