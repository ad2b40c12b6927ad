"""The decision form of a registered transfer (Quyết định thi hành án): what the clerk typed, checked before the hub.

The day is typed as a Vietnamese date (``05/12/2026``, leading zeros optional) or sent by a date input
(``2026-12-05``); anything else, or a day that does not exist (31/02), is refused here with a sentence and
nothing is sent to the hub. The hub checks the rest (not in the future, not before the judgment arrived,
the transfer registered and still without a decision) and its refusals are shown in Vietnamese.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from console.pages import inbox_labels as labels

FIELDS: Final = ("so-quyet-dinh", "ngay-quyet-dinh", "loai-quyet-dinh", "chap-hanh-vien")
_VIETNAMESE: Final = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True, slots=True)
class Decision:
    number: str
    issued_on: date
    kind: str
    officer: str

    def variables(self, transfer_id: str) -> dict[str, Any]:
        return {
            "id": transfer_id,
            "number": self.number,
            "issuedOn": self.issued_on.isoformat(),
            "kind": self.kind,
            "officer": self.officer,
        }


def typed_day(text: str) -> date | None:
    """``05/12/2026`` or ``2026-12-05`` as a day; None for anything else or a day that does not exist."""
    text = text.strip()
    if found := _VIETNAMESE.fullmatch(text):
        day, month, year = (int(part) for part in found.groups())
    elif found := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in found.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_decision(typed: Mapping[str, str]) -> Decision | str:
    """The decision the form asks for, or the refusal code (``inbox_labels.DECISION_REFUSAL``) of the first
    field that is wrong."""
    number = typed.get("so-quyet-dinh", "").strip()
    if not number:
        return "NO_NUMBER"
    issued_on = typed_day(typed.get("ngay-quyet-dinh", ""))
    if issued_on is None:
        return "BAD_DATE"
    kind = typed.get("loai-quyet-dinh", "")
    if kind not in labels.DECISION_KIND:
        return "BAD_KIND"
    officer = typed.get("chap-hanh-vien", "").strip()
    if not officer:
        return "NO_OFFICER"
    return Decision(number, issued_on, kind, officer)
