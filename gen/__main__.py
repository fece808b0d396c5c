"""`python -m gen` → cli.main()."""

import sys

from gen.cli import main

sys.exit(main())
