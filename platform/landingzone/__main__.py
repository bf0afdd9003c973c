"""`python -m landingzone`: the command line."""

import sys

from landingzone.cli import main

sys.exit(main())
