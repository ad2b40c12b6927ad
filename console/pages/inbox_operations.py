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
    pageInfo { hasNextPage endCursor }
  }
}
"""

TRANSFER: Final = """
query Transfer($id: ID!) {
  transfer(id: $id) {
    id status effectiveOn receivedAt acknowledgedAt registerYear registerNumber documentSha256
    documents { kind name sha256 }
    receipt { keyId receivedAt signature }
    lastReturn { reason note returnedAt }
    decision { number issuedOn kind officer }
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

DECIDE: Final = """
mutation Decide($id: ID!, $number: String!, $issuedOn: Date!, $kind: DecisionKind!, $officer: String!) {
  recordEnforcementDecision(id: $id, number: $number, issuedOn: $issuedOn, kind: $kind, officer: $officer) {
    userErrors { field code message }
    transfer { id status }
  }
}
"""

OFFICERS: Final = """
query Officers($agency: ID!) {
  officers(filter: {agency: $agency}, first: 200) { edges { node { name title post } } }
}
"""
"""The office's people, for the decision form's list of chấp hành viên (a suggestion: the name is typed).
Each officer read is recorded in the audit trail, so it is asked only when the form is shown."""

REGISTER: Final = """
query Register($office: ID!, $status: TransferStatus, $first: Int!, $after: String) {
  inbox(office: $office, status: $status, first: $first, after: $after) {
    edges {
      node {
        id status acknowledgedAt registerNumber registerYear
        judgment { number court { name } }
        decision { number issuedOn kind officer }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
"""The receipt register (Sổ nhận bản án) read from the inbox, one status at a time (``inbox_register``)."""

ALL: Final = (INBOX, TRANSFER, EXPLANATION_REQUESTS, REDIRECT_TARGETS, ACKNOWLEDGE, RETURN, DECIDE, OFFICERS, REGISTER)
