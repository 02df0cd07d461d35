"""ita-checker: checks Thai agency websites against the OIT part of the ITA."""
