"""Atom feeds of the archive and of each district, source and tag: the newest dated documents,
written into the built site after MkDocs has made it (gen.feeds.write.write_feeds)."""
