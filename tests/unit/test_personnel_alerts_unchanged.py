"""Personnel alerts are what they were before issue 17 made them cheaper, sentence for sentence.

Issue 17 works out each officer's retirement day once for all of their alerts and writes an alert's
sentence only when it is due within the horizon (``domain/personnel/alerts.py``). The fixture
``tests/fixtures/personnel_alerts_varied.json`` holds every alert — kind, agency, officer, rule,
basis, verification, due day and the whole sentence — that the code before that change
(commit 9c26a7c) gave for :func:`varied_staff` in four cases (``CASES``); it was written by
running :func:`alerts_document` on that commit (``python -m tests.unit.test_personnel_alerts_unchanged
FILE``). The staff are drawn from a fixed seed over every branch the alerts take: both sexes and
birth years from 1958 to 1995 (past, near and far retirement), later retirements recorded before,
within and beyond the bound, leadership posts with recorded or computed term ends in their first to
third consecutive term, sensitive posts with and without a start day, deferral reasons known and
unknown, quota gaps and vacant seats.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from domain.personnel.alerts import PersonnelAlert, personnel_alerts
from domain.personnel.rules import PersonnelRules
from domain.types import AgencyKind, AgencyLevel, Officer, Sex, StaffingUnit
from gateway.policies import shipped_personnel_rules

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "personnel_alerts_varied.json"
# (as of, horizon in days): the day itself, the report's horizon on two days, and ten years (nearly everything)
CASES = ((date(2026, 11, 20), 0), (date(2026, 11, 20), 180), (date(2030, 6, 30), 180), (date(2026, 11, 20), 3650))
SEED = 17

AGENCIES = (
    ("enforcement.hue", AgencyLevel.PROVINCIAL, AgencyKind.ENFORCEMENT),
    ("enforcement.hue.kv01", AgencyLevel.AREA, AgencyKind.ENFORCEMENT),
    ("enforcement.ha-noi.kv03", AgencyLevel.AREA, AgencyKind.ENFORCEMENT),
    ("court.hue.kv01", AgencyLevel.AREA, AgencyKind.COURT),
    ("enforcement.hai-phong.kv02", AgencyLevel.AREA, AgencyKind.ENFORCEMENT),  # no leaders: vacant seats
)
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Đức", "Phạm Thu Hà", "Vũ Đình Nam", "Hoàng Thị Lan")


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _officer(rng: random.Random, rules: PersonnelRules, agency: str, n: int) -> Officer:
    posts = [*rules.term.posts, None, None, None] if not agency.startswith("enforcement.hai-phong") else [None]
    titles = [p for r in rules.rotation for p in r.positions] + ["Thư ký thi hành án", "Chuyên viên", "Kế toán"]
    born = _day(rng, date(1958, 1, 1), date(1995, 12, 31))
    post = rng.choice(posts)
    appointed = _day(rng, date(2012, 1, 1), date(2027, 6, 30)) if rng.random() < 0.7 else None
    term_ends = _day(rng, date(2025, 1, 1), date(2031, 12, 31)) if post is not None and rng.random() < 0.5 else None
    since = _day(rng, date(2010, 1, 1), date(2027, 6, 30)) if rng.random() < 0.6 else None
    reasons = [r.reason for r in rules.rotation_deferral]
    deferral = rng.choice([*reasons, "unknown-reason"]) if rng.random() < 0.15 else None
    extended = _day(rng, date(2015, 1, 1), date(2040, 12, 31)) if rng.random() < 0.2 else None
    return Officer(
        code=f"CB.{agency}.{n:03d}",
        name=rng.choice(NAMES),
        sex=rng.choice((Sex.MALE, Sex.FEMALE)),
        birth_date=born,
        citizen_id=f"{rng.randrange(10**12):012d}",
        agency_code=agency,
        title=rng.choice(titles),
        post=post,
        appointed_on=appointed,
        term_ends_on=term_ends,
        consecutive_terms=rng.choice((1, 1, 2, 3)),
        sensitive_post=rng.random() < 0.5,
        position_since=since,
        rotation_deferral=deferral,
        retirement_extended_to=extended,
    )


def varied_staff(rules: PersonnelRules) -> list[tuple[StaffingUnit | None, list[Officer]]]:
    """Each agency of ``AGENCIES`` with 40 officers drawn from ``SEED`` and a quota that may differ."""
    rng = random.Random(SEED)
    staff = []
    for code, _, _ in AGENCIES:
        officers = [_officer(rng, rules, code, n) for n in range(40)]
        unit = StaffingUnit(code, f"Đơn vị {code}", quota=rng.choice((38, 40, 43))) if rng.random() < 0.8 else None
        staff.append((unit, officers))
    return staff


def _row(alert: PersonnelAlert, rules: PersonnelRules) -> list[Any]:
    """The alert's fields; its legal basis, long, only as whether it is its rule's (always so before)."""
    basis = next(r.legal_basis for r in rules.all_rules() if r.key == alert.rule)
    return [
        alert.kind.value,
        alert.agency_code,
        alert.officer_code,
        alert.rule,
        alert.legal_basis == basis,
        alert.verified,
        alert.due_on.isoformat(),
        alert.detail,
    ]


def alerts_document(rules: PersonnelRules) -> dict[str, Any]:
    """Every alert of :func:`varied_staff` in each of ``CASES``, in the order given."""
    out: dict[str, Any] = {}
    for (unit, officers), (code, level, kind) in zip(varied_staff(rules), AGENCIES, strict=True):
        for as_of, horizon in CASES:
            found = personnel_alerts(
                unit, officers, level=level, as_of=as_of, horizon_days=horizon, rules=rules, agency_code=code,
                kind=kind,
            )  # fmt: skip
            out[f"{code} {as_of.isoformat()} +{horizon}"] = [_row(a, rules) for a in found]
    return out


def test_the_alerts_are_those_of_the_code_before_issue_17() -> None:
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    found = alerts_document(shipped_personnel_rules())
    assert found.keys() == expected.keys()
    for case, rows in expected.items():
        assert found[case] == rows, case


def test_the_fixture_covers_every_kind_of_alert_and_branch() -> None:
    rows = [row for rows in json.loads(FIXTURE.read_text(encoding="utf-8")).values() for row in rows]
    kinds = {row[0] for row in rows}
    assert kinds == {"retirement", "term_ending", "second_term", "rotation_due", "quota_gap", "missing_leader"}
    assert all(row[4] for row in rows)  # every basis is its rule's
    sentences = " ".join(row[7] for row in rows)
    for phrase in ("nghỉ hưu ở tuổi cao hơn", "chỉ tính đến giới hạn", "đã đến thời điểm nghỉ hưu", "chưa thực hiện"):
        assert phrase in sentences, phrase
    assert len(rows) > 500


def _write(path: Sequence[str]) -> None:
    document = alerts_document(shipped_personnel_rules())
    cases = (
        f"{json.dumps(case)}: [\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n]"
        for case, rows in document.items()
    )
    Path(path[0]).write_text("{\n" + ",\n".join(cases) + "\n}\n", encoding="utf-8")


if __name__ == "__main__":
    _write(sys.argv[1:])
