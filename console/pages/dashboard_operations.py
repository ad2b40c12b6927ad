"""The GraphQL documents the committee and ministry dashboard runs, as the signed-in person (checked against the
schema by a test).

``committeeReport`` decides who reads what (a committee its own province, the ministry everything); the
dashboard shows its refusal and never works out figures of its own beyond sums of the answer's rows.
"""

from __future__ import annotations

from typing import Final

REPORT: Final = """
query DashboardReport($period: ReportPeriodInput!, $province: String) {
  committeeReport(period: $period, province: $province) {
    province name generatedAt missing
    period { start end statisticalYear months label }
    previousPeriod { label }
    rows { ...Row }
    totals { ...Row }
  }
}

fragment Row on ReportRow {
  code name kind province
  target { casesRate moneyRate decision } targetNote
  casesRateChange casesTargetGap
  current { ...Figures }
  previousYear { enforcement { cases { completionRate } money { completionRate } } }
}

fragment Figures on ReportFigures {
  transfers { transferred onTime late onTimeRate acknowledged returned decided decidedOnTime decidedLate }
  enforcement {
    cases { total withConditions completed carriedToNext completionRate }
    money { total withConditions completed carriedToNext completionRate }
  }
  coordination { kind opened answered answeredLate open overdue }
  procuracyRecommendations { opened open overdue }
  personnel { alerts overdue }
  missing
}
"""

PROVINCES: Final = """
query DashboardProvinces {
  me { agency { provinceCode } }
  agencies(kind: ENFORCEMENT, level: PROVINCIAL) { provinceCode name active }
}
"""
"""The ministry's province picker (the provincial enforcement agencies name the provinces) and a committee's own
province (its agency's)."""

ALL: Final = (REPORT, PROVINCES)
