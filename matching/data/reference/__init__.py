"""The shipped reference tables, as sroi-match names them: a re-export of :mod:`features.reference`.

The tables (municipalities, postcodes, occupations, ISCO groups, certificates, skills, target
groups, the default valuation and the region outlines) and their CSV files live in the
features library (``features/reference/data/``, built by ``scripts/build_reference.py``), which
needs them and never imports ``matching``. This module keeps ``from matching.data import
reference`` working for the rest of sroi-match; the functions are the very same objects.
"""

from features.reference import *  # noqa: F403
from features.reference import __all__  # noqa: F401
