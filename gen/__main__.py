"""`python -m gen` → cli.main().

A run is one short process: its records are freed by reference counting, and the cycle collector
is left off for all of it (build() pauses it in any case; turning it back on at the end would
only start one last pass over everything the run allocated)."""

import gc
import sys

gc.disable()
try:
    from gen.cli import main

    sys.exit(main())
except KeyboardInterrupt:  # Ctrl-C while starting up, before main() can catch it
    print("\ninterrupted before anything was written", file=sys.stderr)
    sys.exit(130)
