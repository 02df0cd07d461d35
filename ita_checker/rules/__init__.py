"""OIT rules: the YAML rule format, its loader and the engine that turns evidence into verdicts."""
