"""Benchmarks of ketamine-kg (issue 5, sections 2 and 3): scripts that print figures.

Nothing here is imported by ``ontology``, ``graph`` or ``server``, and nothing here runs
inside pytest with a clock: timings on a shared 2-core machine are noisy, so the scripts
report medians and percentiles and never assert. See ``bench/README.md``.
"""
