"""cohortwatch package."""
