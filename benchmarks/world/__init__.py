"""A deterministic synthetic world of Thai agency websites with planted OIT defects and ground-truth labels."""
