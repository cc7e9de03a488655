"""Synthetic sample centres: a roster, schedule, punches, leave, calls, KPI, excusals and swaps
that exercise every rule of POLICY.md, generated deterministically from a seed
(see `cctool.samples.generate`)."""
