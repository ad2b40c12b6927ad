"""The GraphQL documents the operations page runs as the signed-in operator (checked against the schema by a test).

What the schema offers the operator is read here: the organisation with the successors of the agencies
dissolved in the 2025 reorganisation, every agency's webhooks and their deliveries, and the redrive of
dead ones. The rest of the page (the registry, court keys, readiness, the audit check) is not in the
schema and goes through the console's port (``console/ports.py``).
"""

from __future__ import annotations

from typing import Final

AGENCIES: Final = """
query OperationsAgencies($kind: AgencyKind, $province: String) {
  agencies(kind: $kind, province: $province) {
    code kind level name provinceCode formerProvince validFrom validTo active
    successor { code name }
    currentSuccessor { code name }
  }
}
"""

AGENCY: Final = """
query OperationsAgency($code: ID!) { agency(code: $code) { code name kind level active } }
"""

PROVINCES: Final = """
query OperationsProvinces { agencies(kind: COMMITTEE) { provinceCode name active } }
"""

COURTS: Final = """
query OperationsCourts { agencies(kind: COURT) { code name active } }
"""

WEBHOOKS: Final = """
query OperationsWebhooks { webhooks { id agencyCode url active createdAt agency { name } } }
"""

DELIVERIES: Final = """
query OperationsDeliveries($status: DeliveryStatus!, $first: Int!, $after: String) {
  webhookDeliveries(status: $status, first: $first, after: $after) {
    edges {
      cursor
      node {
        id webhookId agencyCode url status attempts nextAttemptAt lastError deliveredAt createdAt
        eventKind transferId
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

REDRIVE: Final = """
mutation OperationsRedrive($ids: [ID!], $webhook: ID) {
  redriveDeliveries(ids: $ids, webhook: $webhook) { redriven userErrors { field code message } }
}
"""

ALL: Final = (AGENCIES, AGENCY, PROVINCES, COURTS, WEBHOOKS, DELIVERIES, REDRIVE)
