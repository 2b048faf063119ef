"""`python -m dedup` is the `dedup` command."""

import sys

from dedup.cli.main import main

sys.exit(main())
