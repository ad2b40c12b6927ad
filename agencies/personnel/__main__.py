"""``python -m agencies.personnel --url sqlite:///var/personnel.db --seed S [--data-dir DIR]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from agencies.common.reference import ReferenceData
from agencies.personnel.database import create_personnel_database


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m agencies.personnel", description="Create and seed the database.")
    parser.add_argument("--url", required=True, help="SQLAlchemy URL, e.g. sqlite:///var/personnel.db")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=None, help="reference data (default: the repo's data/)")
    args = parser.parse_args(argv)
    summary = create_personnel_database(args.url, args.seed, ReferenceData.load(args.data_dir))
    print(f"personnel: {summary.units} units, {summary.staff} staff written to {args.url}", file=sys.stderr)


if __name__ == "__main__":
    main()
