"""The demo company (`company`) and the synthetic workload generator (`synthetic`).

`rapport demo` loads a small, realistic, deterministic company so a newcomer can build,
preview, log and undo a segment straight away; `rapport demo --contacts N` adds N synthetic
contacts with the workload of SPEC §9 for the benchmarks.
"""
