"""Use cases composing the stages (shortlist, assign, train): the entry points of the CLI, notebooks and web application."""
