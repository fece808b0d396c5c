"""Turn raw Chinese documents (seeds) into a MkDocs Material archive site."""
