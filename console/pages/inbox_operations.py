"""The GraphQL documents the inbox pages run, as the signed-in office clerk (checked against the schema by a test).

The pages ask only for what they show: the list reads no parties (a read of parties is personal data,
recorded in the audit trail), the full view reads them once.
"""

from __future__ import annotations

from typing import Final

INBOX: Final = """
query Inbox($office: ID!, $status: TransferStatus, $first: Int!, $after: String) {
  inbox(office: $office, status: $status, first: $first, after: $after) {
    edges {
      cursor
      node {
        id status receivedAt registerNumber registerYear
        judgment { number court { name } }
        deadlines { key description dueOn state }
      }
    }
    hasNextPage
    endCursor
  }
}
"""

TRANSFER: Final = """
query Transfer($id: ID!) {
  transfer(id: $id) {
    id status effectiveOn receivedAt acknowledgedAt registerYear registerNumber documentSha256
    receipt { keyId receivedAt signature }
    lastReturn { reason note returnedAt }
    decision { number issuedOn officer }
    deadlines { key description legalBasis verified dueOn state }
    court { name }
    enforcementAgency { name }
    registerOffice { code name provinceCode }
    procuracy { name }
    judgment {
      id number caseType instance effectiveOn
      parties { name role kind address citizenId taxCode }
      obligations { kind description exOfficio amount beneficiary }
    }
  }
}
"""

EXPLANATION_REQUESTS: Final = """
query ExplanationRequests($transfer: ID!) {
  coordinationRequests(filter: {transferId: $transfer, kind: EXPLANATION}, first: 10) {
    edges { node { id subject status openedAt dueOn deadlineState addressee { name } } }
  }
}
"""

REDIRECT_TARGETS: Final = """
query RedirectTargets($province: String) {
  agencies(kind: ENFORCEMENT, province: $province) { code name active }
}
"""

ACKNOWLEDGE: Final = """
mutation Acknowledge($id: ID!) {
  acknowledgeTransfer(id: $id) { userErrors { field code message } transfer { id registerNumber registerYear } }
}
"""

RETURN: Final = """
mutation Return($id: ID!, $reason: ReturnReason!, $note: String!, $redirectTo: ID) {
  returnTransfer(id: $id, reason: $reason, note: $note, redirectTo: $redirectTo) {
    userErrors { field code message }
    transfer { id status }
  }
}
"""

ALL: Final = (INBOX, TRANSFER, EXPLANATION_REQUESTS, REDIRECT_TARGETS, ACKNOWLEDGE, RETURN)
