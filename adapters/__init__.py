"""One adapter per agency system, behind the small interface in ``adapters.base``."""
