"""``python -m intake.cli ...``: the same as the ``safepub`` command (used where the script may not be
on PATH, e.g. the children ``safepub run`` starts)."""

import sys

from intake.cli import main

sys.exit(main())
