"""Scan stage: a registry of agencies checked locally or by distributed workers, then rolled up."""
