"""``python -m agencies.court --port P --api-key K --judgments N --seed S``."""

from agencies.common.cli import run
from agencies.court.app import create_app

if __name__ == "__main__":
    run("court", create_app)
