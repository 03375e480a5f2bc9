"""The synthetic sample world of Northern NL and its documented ground truth."""
