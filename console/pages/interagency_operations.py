"""The GraphQL documents of Thống kê liên ngành (/bao-cao/lien-nganh), run as the signed-in person (checked
against the schema by a test). The hub decides who reads, closes, counter-signs and disputes."""

from __future__ import annotations

from typing import Final

FIELDS: Final = """
  id province provinceName status version closesOn closedAt countersignDueOn figuresSha256 alerts legalBasis
  period { start end statisticalYear months label }
  deadline { step dueOn state workingDays }
  rows { form formTitle code label unit value }
  reconciliation { courtCount enforcementCount matched
    differences { transferId judgmentId courtCode side sentOn registeredOn reason } }
  steps { seq step status version at agencyCode person note notes { row note } keyId }
"""
ME: Final = "query InteragencyMe { me { agencyCode agency { kind level provinceCode } } }"
PROVINCES: Final = """
query InteragencyProvinces {
  agencies(kind: ENFORCEMENT, level: PROVINCIAL) { provinceCode name active }
}
"""
READ: Final = f"""
query InteragencyStatistics($province: String!, $period: InteragencyPeriodInput!) {{
  interagencyStatistics(province: $province, period: $period) {{ {FIELDS} }}
}}
"""
CLOSE: Final = """
mutation InteragencyClose($province: String!, $period: InteragencyPeriodInput!, $note: String) {
  closeInteragencyStatistics(province: $province, period: $period, note: $note) {
    userErrors { field code message } statistics { status }
  }
}
"""
COUNTERSIGN: Final = """
mutation InteragencyCountersign($province: String!, $period: InteragencyPeriodInput!) {
  countersignInteragencyStatistics(province: $province, period: $period) {
    userErrors { field code message } statistics { status }
  }
}
"""
DISPUTE: Final = """
mutation InteragencyDispute($province: String!, $period: InteragencyPeriodInput!, $notes: [RowNoteInput!]!) {
  disputeInteragencyStatistics(province: $province, period: $period, notes: $notes) {
    userErrors { field code message } statistics { status }
  }
}
"""
ALL: Final = (ME, PROVINCES, READ, CLOSE, COUNTERSIGN, DISPUTE)
