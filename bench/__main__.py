"""``python -m bench``: run the benchmark (see bench/README.md and ``python -m bench --help``)."""

from bench.cli import main

raise SystemExit(main())
