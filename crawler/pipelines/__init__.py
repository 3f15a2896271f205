"""Item pipelines, one per file, in the order they run (see ``ITEM_PIPELINES`` in crawler.settings):
``listing_order`` (one item per listing at a time), ``store_listing``, ``score_listing``,
``scan_attachments``. ``base`` and ``blocking`` hold what they share: the crawl context and the
bounded thread pool their blocking work runs on."""
