"""What a person reads: HTML reports, charts, Excel/CSV outputs of a run."""
