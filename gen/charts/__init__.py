"""Static SVG charts made at build time: no script, nothing from other hosts."""
