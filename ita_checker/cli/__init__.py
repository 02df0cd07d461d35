"""Command line: one click group (``main``) with the check, scan, rules, template, history, diff and demo commands."""
