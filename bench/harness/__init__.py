"""Shared parts of the benchmarks: the code fingerprint, the machine, figures and tables."""
