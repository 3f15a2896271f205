"""The listing-text scorer: does a listing's title and text offer the cohort's data, and why.

Modules: :mod:`~matcher.text.normalise` (fold obfuscation), :mod:`~matcher.text.profile` (the
YAML cohort profile), :mod:`~matcher.text.evidence` (find alias, cue, size and schema hits, with
:mod:`~matcher.text.terms`, :mod:`~matcher.text.claims` and :mod:`~matcher.text.hits`),
:mod:`~matcher.text.prefilter` (skip regex searches that cannot match),
:mod:`~matcher.text.scoring` (combine them into a score, a verdict and reasons) and
:mod:`~matcher.text.evaluation` (precision / recall on a labelled corpus).
"""

from __future__ import annotations

from matcher.text.native import activate

COMPILED = activate(__path__)  # the mypyc build of the hot modules, when it matches their sources
