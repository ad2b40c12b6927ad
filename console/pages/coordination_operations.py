"""The GraphQL documents the coordination pages (Phối hợp, Viện kiểm sát) run as the signed-in person.

Checked against schema/schema.graphql by the tests. The hub's policy decides what each person sees:
requests their agency sent, received or observes (``coordinationRequests``), agreements it is a party to
(``coordinationAgreements``), judgments in a procuracy's area (``judgments``). Reading a request
addressed to the agency records its receipt: the hub's rule, not the console's.
"""

from __future__ import annotations

from typing import Final

_ROW: Final = """
fragment Row on CoordinationRequest {
  id kind status subject openedAt dueOn deadlineState answeredAt replyBy transferId judgmentId
  sender { code name }
  addressee { code name }
}
"""

REQUESTS: Final = (
    """
query CoordinationRequests($filter: CoordinationRequestFilter!, $first: Int!, $after: String) {
  coordinationRequests(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { ...Row } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
    + _ROW
)

REQUEST: Final = """
query CoordinationRequest($id: ID!) {
  coordinationRequest(id: $id) {
    id kind status subject body judgmentId transferId plannedOn place periodFrom periodTo replyBy
    openedAt dueAt dueOn receivedAt answeredAt closedAt answer deadlineState
    sender { code name currentSuccessor { code } }
    addressee { code name currentSuccessor { code } }
    observers { code name }
    agreement { id title }
    history { at kind status agencyCode person note }
  }
}
"""

AGREEMENTS: Final = """
query CoordinationAgreements {
  coordinationAgreements {
    id title scope documentSha256 signedOn validFrom validTo registeredAt inForce
    clauses { title kind responseDays }
    parties { code name }
    registeredBy { name }
  }
}
"""

FORM_CHOICES: Final = """
query CoordinationFormChoices($province: String) {
  agencies(province: $province) { code name kind active }
  coordinationAgreements { id title inForce parties { code } }
}
"""
"""The agencies of the person's province (the addressees offered) and the agreements in force to choose from."""

ME: Final = "query CoordinationMe { me { agencyCode agency { code kind provinceCode } } }"

OPEN: Final = """
mutation OpenCoordinationRequest($input: OpenCoordinationRequestInput!) {
  openCoordinationRequest(input: $input) {
    userErrors { field code message }
    request { id }
  }
}
"""

RESPOND: Final = """
mutation RespondToCoordinationRequest($id: ID!, $action: CoordinationAction!, $note: String) {
  respondToCoordinationRequest(id: $id, action: $action, note: $note) {
    userErrors { field code message }
    request { id status }
  }
}
"""

PROCURACY_DOCUMENTS: Final = (
    """
query ProcuracyDocuments($first: Int!) {
  request: coordinationRequests(filter: {kind: PROCURACY_REQUEST, role: SENT}, first: $first) { ...Sent }
  recommendation: coordinationRequests(filter: {kind: PROCURACY_RECOMMENDATION, role: SENT}, first: $first) {
    ...Sent
  }
  protest: coordinationRequests(filter: {kind: PROCURACY_PROTEST, role: SENT}, first: $first) { ...Sent }
}

fragment Sent on CoordinationRequestConnection {
  totalCount
  edges { node { ...Row answer } }
}
"""
    + _ROW
)

TRANSFER: Final = """
query SupervisedTransfer($id: ID!) {
  transfer(id: $id) {
    id status effectiveOn receivedAt acknowledgedAt registerYear registerNumber
    decision { number issuedOn kind officer recordedAt }
    lastReturn { reason note returnedAt }
    deadlines { key description legalBasis dueOn state }
    court { name }
    enforcementAgency { name }
    registerOffice { name }
    procuracy { code name }
    judgment { id number }
  }
}
"""

ALL: Final = (REQUESTS, REQUEST, AGREEMENTS, FORM_CHOICES, ME, OPEN, RESPOND, PROCURACY_DOCUMENTS, TRANSFER)
