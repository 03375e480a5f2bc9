"""The errors the features library raises on purpose.

::

    FeaturesError            base of everything features raises on purpose
    └── FeatureInputError    the caller's input is wrong (an application reports it as bad input)
        └── UnknownIdError   an id that is not in the tables; carries close suggestions

An application wraps or derives these into its own hierarchy: ``matching.core.errors``
derives its ``UnknownIdError`` from :class:`UnknownIdError` (and from its own ``DataError``),
so ``except features.errors.UnknownIdError`` catches both.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["FeatureInputError", "FeaturesError", "UnknownIdError"]


class FeaturesError(Exception):
    """Base class of every error the features library raises on purpose."""


class FeatureInputError(FeaturesError):
    """The caller's input is wrong (not a bug in the library)."""


class UnknownIdError(FeatureInputError):
    """An id that does not exist; ``suggestions`` lists close existing ids.

    Examples
    --------
    >>> str(UnknownIdError("candidate", "C1", ["C10"]))
    "unknown candidate 'C1'; did you mean C10?"
    """

    def __init__(self, kind: str, value: str, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.value = value
        self.suggestions = list(suggestions)
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown {kind} {value!r}{hint}")
