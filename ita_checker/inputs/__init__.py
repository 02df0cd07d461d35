"""Inputs: the spreadsheets people hand us (submission forms, agency registries, reviewer overrides)."""
