"""The benchmark of benchmarks/run.py as a package: one module per measure in `measures/`
(see registry.py for how one plugs in); the rest is shared machinery."""
