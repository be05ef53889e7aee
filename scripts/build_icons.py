"""Build vitrina/web/static/web/icons.svg, the one SVG sprite of every icon Vitrina shows.

The icons are Lucide's (ISC licence, some MIT from Feather; the licence is kept beside the
sprite as icons-LICENSE.txt). To add an icon: put its name in ICONS and run

    npm pack lucide-static@1.62.0 && tar xzf lucide-static-1.62.0.tgz
    python scripts/build_icons.py package/icons

Only the shapes go into the sprite: stroke, fill and width come from CSS (.icon in vitrina.css),
so one symbol serves both the outline and the filled state (liked, saved).
"""

import re
import sys
from pathlib import Path

ICONS = sorted("""
arrow-up ban bell bookmark camera check chevron-left chevron-right circle-alert circle-user compass copy crop
ellipsis flag gallery-horizontal-end grid-3x3 grip-vertical heart house image images info key-round languages
link lock log-in log-out mail map-pin message-circle minus pencil phone plus rectangle-horizontal rectangle-vertical
scan search send settings share shield shopping-bag shopping-cart square square-plus store trash-2 user user-check user-minus
user-plus wifi-off x
""".split())

OUT = Path(__file__).resolve().parent.parent / "vitrina" / "web" / "static" / "web" / "icons.svg"
BODY = re.compile(r"<svg[^>]*>(.*)</svg>", re.S)


def symbol(source: Path) -> str:
    inner = BODY.search(source.read_text()).group(1)
    inner = re.sub(r"\s*\n\s*", "", inner).replace(" />", "/>")
    return f'<symbol id="{source.stem}" viewBox="0 0 24 24">{inner}</symbol>'


def main(icons_dir: str) -> None:
    folder = Path(icons_dir)
    symbols = "".join(symbol(folder / f"{name}.svg") for name in ICONS)
    OUT.write_text(f'<svg xmlns="http://www.w3.org/2000/svg">{symbols}</svg>\n')
    print(f"{OUT}: {len(ICONS)} icons, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
