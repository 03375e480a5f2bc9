"""Foundations every layer uses: settings, errors, locks and whole-or-absent folders, inert tables, texts and formatting."""
