"""Demo: the bundled agency sites, their loopback server and the one-command demo run."""
