"""docs/legal-basis.md is the rules table and the calendar file, rendered: it cannot drift from them.

Regenerate after editing data/deadline_rules.toml or data/compensatory_days.toml:

    .venv/bin/python -m tests.unit.test_legal_basis_doc > docs/legal-basis.md
"""

from __future__ import annotations

from pathlib import Path

from domain.deadlines import DeadlineRule, DeadlineUnit, RuleBook, load_rules_from_text
from domain.workdays import CalendarAdjustment, load_calendar_adjustments_from_text

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "legal-basis.md"

_HEAD = """\
# Legal basis of deadlines and the working-day calendar

Generated from `data/deadline_rules.toml` and `data/compensatory_days.toml` by
`tests/unit/test_legal_basis_doc.py` (which fails when this page and the data differ);
do not edit by hand. The API shows the same for each tracked deadline (`legalBasis`,
`verified`).

**Verified** means the article's text (or the government's notice) was seen in a public
source, named in the last column where this table records it; **no** means a default or a
cited article whose text was not seen: it stays configurable and is shown as unverified.
Periods start the day after the event (Civil Code 2015 Art. 147(1)); a period in days,
months or years that ends on a day off ends with the next working day (Art. 148(5)).
Law 106/2025/QH15 replaces the 2008/2014 law on 1 July 2026; where its own figure was not
found, the old one is carried over, unverified.

Abbreviations: *Luật THADS* — Law on Civil Judgment Enforcement 2008 (amended 2014);
*NĐ* — Decree (Nghị định); *TTLT* — joint circular; *VKSND* — people's procuracy.

## Deadline rules
"""

_CALENDAR = """
## Calendar adjustments

The `holidays` library computes the statutory holidays and Tết; these entries add the
government's yearly swaps and cancel a library holiday not (yet) in law (a yearly entry
applies on the same day every year from its date, to `until` if set).
"""

_NOTES = """
## Notes

- Decree 152/2026 Arts. 46–47: a request to protect a forced enforcement goes to the
  commune-level police; a complex or multi-commune one is escalated to the provincial police
  (`PROVINCIAL_POLICE` sub-kind); disagreements at the coordination meeting go to the head of
  the steering committee. Only the periods are tracked by the hub.
- `officer_interim_execution`, `open_case_file`, `protest_carry_out`, `police_protection_plan`
  and `enforcement_coordination_meeting` are in the table for agencies and reports; the hub does
  not yet record the events that would show them done, so it does not track them on transfers
  or requests.
"""

_UNITS = {
    DeadlineUnit.CALENDAR_DAYS: "{n} day{s}",
    DeadlineUnit.WORKING_DAYS: "{n} working day{s}",
    DeadlineUnit.HOURS: "{n} hour{s}",
    DeadlineUnit.SAME_DAY: "immediately (same day)",
    DeadlineUnit.MONTHS: "{n} month{s}",
    DeadlineUnit.YEARS: "{n} year{s}",
    DeadlineUnit.WORKING_DAYS_BEFORE: "{n} working day{s} before",
}


def _cell(text: str | None) -> str:
    return (text or "—").replace("|", "\\|").replace("\n", " ")


def _period(rule: DeadlineRule) -> str:
    return _UNITS[rule.unit].format(n=rule.amount, s="" if rule.amount == 1 else "s")


def _applies(rule: DeadlineRule) -> str:
    end = rule.applies_to.isoformat() if rule.applies_to else "…"
    return f"{rule.applies_from.isoformat()} – {end}"


def _rule_row(rule: DeadlineRule) -> str:
    cells = [
        f"`{rule.key}`",
        rule.description_vi,
        _applies(rule),
        _period(rule),
        rule.legal_basis,
        "yes" if rule.verified else "no",
        rule.source,
    ]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _adjustment_row(a: CalendarAdjustment) -> str:
    when = a.day.isoformat()
    if a.yearly:
        when = f"every {a.day.strftime('%d/%m')} from {a.day.year}" + (f" to {a.until.year}" if a.until else "")
    cells = [when, a.kind.value, a.reason, a.legal_basis, "yes" if a.verified else "no", a.source]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def render(rules: RuleBook, adjustments: tuple[CalendarAdjustment, ...]) -> str:
    lines = [_HEAD]
    lines.append("| rule | what | applies | period | legal basis | verified | text seen at |")
    lines.append("|---|---|---|---|---|---|---|")
    lines.extend(_rule_row(rule) for rule in rules)
    lines.append(_CALENDAR)
    lines.append("| date | kind | reason | legal basis | verified | source |")
    lines.append("|---|---|---|---|---|---|")
    lines.extend(_adjustment_row(a) for a in adjustments)
    lines.append(_NOTES)
    return "\n".join(lines)


def _shipped() -> str:
    rules = load_rules_from_text((ROOT / "data" / "deadline_rules.toml").read_text(encoding="utf-8"))
    calendar = load_calendar_adjustments_from_text(
        (ROOT / "data" / "compensatory_days.toml").read_text(encoding="utf-8")
    )
    return render(rules, calendar)


def test_the_legal_basis_page_is_the_data_rendered():
    assert DOC.read_text(encoding="utf-8") == _shipped(), (
        "docs/legal-basis.md differs from the data: "
        "regenerate with `.venv/bin/python -m tests.unit.test_legal_basis_doc > docs/legal-basis.md`"
    )


def test_every_rule_version_is_on_the_page_with_its_basis_and_status():
    page = DOC.read_text(encoding="utf-8")
    rules = load_rules_from_text((ROOT / "data" / "deadline_rules.toml").read_text(encoding="utf-8"))
    for rule in rules:
        row = _rule_row(rule)
        assert row in page
        assert rule.legal_basis.replace("|", "\\|") in row
        assert row.split(" | ")[5] == ("yes" if rule.verified else "no")


if __name__ == "__main__":
    print(_shipped(), end="")
