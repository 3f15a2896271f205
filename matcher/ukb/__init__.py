"""The curated UK Biobank dictionary subset shipped with CohortWatch.

``fields.csv`` and ``codings.csv`` are extracts of the public Data Showcase files (the fields
named in :mod:`matcher.ukb.subset`, their codings, and a few hundred common ICD-10 codes), made
by ``python -m matcher.ukb.build_subset``. :func:`matcher.dictionary.load_dictionary` reads them.
"""
