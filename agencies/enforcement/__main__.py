"""``python -m agencies.enforcement --port P --api-key K --judgments N --seed S``."""

from agencies.common.cli import run
from agencies.enforcement.app import create_app

if __name__ == "__main__":
    run("enforcement", create_app)
