"""``python -m cohortwatch``: the same as the ``cohortwatch`` console script."""

from __future__ import annotations

from cohortwatch.cli import main

main()
