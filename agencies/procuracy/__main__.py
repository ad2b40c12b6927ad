"""``python -m agencies.procuracy --port P --api-key K --judgments N --seed S``."""

from agencies.common.cli import run
from agencies.procuracy.app import create_app

if __name__ == "__main__":
    run("procuracy", create_app)
