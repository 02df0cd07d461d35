"""Benchmarks, the synthetic multi-agency test world and the accuracy harness."""
