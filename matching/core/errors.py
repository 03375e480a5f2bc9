"""The one error hierarchy of sroi-match.

::

    SroiMatchError                 base of everything the package raises on purpose
    ├── DataError                  the user's input is wrong (CLI exit code 2)
    │   ├── ValidationError        a dataset broke the data contract; carries every Problem
    │   ├── UnknownIdError         an id that is not in the data; carries close suggestions
    │   └── InputFileError         a file that is missing or cannot be parsed
    ├── ModelError                 no usable model (CLI exit code 2)
    │   ├── NoTrainingDataError    nothing to learn from
    │   └── ArtifactError          a model artifact that is tampered, untrusted or incompatible
    └── SolverError                the optimiser did not reach a usable solution (exit code 1)

Third-party failures (parser errors, OR-Tools statuses, skops trust errors, missing files)
are translated into this hierarchy at the module edge that calls the library. The errors of
the ``features`` library (:mod:`features.errors`) are its own; :class:`UnknownIdError` derives
from ``features.errors.UnknownIdError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import features.errors

if TYPE_CHECKING:
    from matching.data.schema import Problem

__all__ = [
    "ArtifactError",
    "DataError",
    "InputFileError",
    "ModelError",
    "NoTrainingDataError",
    "SolverError",
    "SroiMatchError",
    "UnknownIdError",
    "ValidationError",
]


class SroiMatchError(Exception):
    """Base class of every error sroi-match raises on purpose."""

    exit_code = 1


class DataError(SroiMatchError):
    """The user's input is wrong; the CLI exits with code 2."""

    exit_code = 2


class ValidationError(DataError):
    """A dataset broke the data contract. ``problems`` holds every problem found."""

    def __init__(self, problems: Sequence[Problem], message: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__(message or f"{len(self.problems)} problem(s) in the input data")


class UnknownIdError(DataError, features.errors.UnknownIdError):
    """An id that does not exist; ``suggestions`` lists close existing ids.

    Also a :class:`features.errors.UnknownIdError` (same constructor and attributes ``kind``,
    ``value``, ``suggestions``), so ``except features.errors.UnknownIdError`` catches both.
    """


class InputFileError(DataError):
    """A file that is missing or cannot be parsed."""


class ModelError(SroiMatchError):
    """No usable scoring model."""

    exit_code = 2


class NoTrainingDataError(ModelError):
    """The placement history has nothing to learn from."""


class ArtifactError(ModelError):
    """A model artifact that was tampered with, carries untrusted types or does not fit."""


class SolverError(SroiMatchError):
    """The optimiser did not reach a usable solution."""
