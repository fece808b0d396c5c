"""`python -m gen` → cli.main().

A run is one short process: its records are freed by reference counting, and the cycle collector
is left off for all of it (build() pauses it in any case; turning it back on at the end would
only start one last pass over everything the run allocated)."""

import gc
import sys

from gen.cli import main

gc.disable()
sys.exit(main())
