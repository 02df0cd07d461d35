"""Scoring: the agency score, its standing on the ITA result scale, and province roll-ups."""
