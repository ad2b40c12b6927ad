"""Vietnamese number formats for the report pages and the CSV: ``1.234.567`` and ``85,3%``.

Vietnamese writes a dot between thousands and a comma before decimals; the
XLSX keeps real numbers with Excel number formats instead (the reader's
locale shows the separators), so these are for text only.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def vn_int(value: int) -> str:
    """``1234567`` → ``1.234.567`` (negative numbers keep their sign)."""
    return f"{value:,}".replace(",", ".")


def vn_decimal(value: float | Decimal, places: int = 1) -> str:
    """``85.25`` → ``85,3`` (half up, as a reader rounds by hand), thousands with dots."""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{rounded:,f}".partition(".")
    whole = whole.replace(",", ".")
    return f"{whole},{fraction}" if fraction else whole


def vn_percent(rate: float | Decimal | None, places: int = 1) -> str:
    """A rate (``0.853``) as ``85,3%``; no rate (nothing to complete) as an en dash."""
    if rate is None:
        return "–"
    return f"{vn_decimal(Decimal(str(rate)) * 100, places)}%"


def vn_money(amount: int) -> str:
    """An amount in đồng: ``1.250.000 đ``."""
    return f"{vn_int(amount)} đ"
