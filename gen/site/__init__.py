"""The published site's own pages: document pages in a lean shell, rendered on every core and
again only when their inputs change; the records the site's other outputs are made from."""
