"""Item pipelines, one per file, in the order they run (see ``ITEM_PIPELINES`` in crawler.settings)."""
