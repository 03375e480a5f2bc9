"""The ``sroi-match`` command line: parse → settings → service call → render → exit code.

Exit codes: 0 success, 1 failure (solver or internal error), 2 bad input (invalid data, unknown
id, missing model history, bad option). Library modules do the work; this module only wires
options to them, renders results and configures logging (the only place that does).

The group and shared plumbing live in :mod:`matching.cli.app`; the commands in
:mod:`~matching.cli.data_commands` (validate, sample), :mod:`~matching.cli.model_commands`
(train, models) and :mod:`~matching.cli.match_commands` (shortlist, assign); rich output in
:mod:`matching.cli.render`. Importing this package registers every command.
"""

from matching.cli import (  # noqa: F401  (register)
    data_commands,
    db_commands,
    demo_command,
    match_commands,
    model_commands,
    plan_command,
    worker_command,
)
from matching.cli.app import cli, load_data, main

__all__ = ["cli", "load_data", "main"]

if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.exit(main())
