"""How the console writes dates, money and deadlines for Vietnamese readers.

Dates are dd/mm/yyyy (Việt Nam time for moments), amounts are VND with dots between thousands
(``1.250.000 ₫``), deadlines count working days (``còn 3 ngày làm việc``, ``quá hạn 2 ngày``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7))


def vn_date(value: date | datetime | str | None) -> str:
    """``07/12/2026``; a moment is shown on its Việt Nam day (``07/12/2026 09:30``); None is an empty string."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        local = value.astimezone(VIETNAM) if value.tzinfo else value
        return local.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def vnd(amount: int | str | None) -> str:
    """``1.250.000 ₫`` (a VND amount arrives as a string of digits from the API)."""
    if amount is None or amount == "":
        return ""
    return f"{int(amount):,} ₫".replace(",", ".")


def deadline(working_days_left: int | None) -> str:
    """``còn 3 ngày làm việc``, ``hết hạn hôm nay``, ``quá hạn 2 ngày``."""
    if working_days_left is None:
        return ""
    if working_days_left > 0:
        return f"còn {working_days_left} ngày làm việc"
    if working_days_left == 0:
        return "hết hạn hôm nay"
    return f"quá hạn {-working_days_left} ngày"
