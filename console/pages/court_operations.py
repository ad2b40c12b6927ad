"""The GraphQL documents the court pages run, as the signed-in court clerk (checked against the schema by a test).

The API has no list of a court's transfers: the list reads the court's judgments (``judgments``,
filtered to the court), whose ``status`` is the transfer's for a judgment transferred through the hub
(``submitted``, ``acknowledged``, ``decided``, ``returned``) and ``registered`` for the others. A
transfer itself (its register number, its signed receipt, its return) is read by id, as the receipt
names it. No document reads parties: the court wrote them, and every read of them is audited.
"""

from __future__ import annotations

from typing import Final

SUBMISSIONS: Final = """
query CourtSubmissions($court: ID!, $first: Int!, $after: String) {
  judgments(filter: {court: $court}, first: $first, after: $after) {
    edges {
      cursor
      node {
        id number effectiveOn status
        enforcementOffice { name }
        enforcementAgency { name }
        transfer { id registerNumber registerYear }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

TRANSFER: Final = """
query CourtTransfer($id: ID!) {
  transfer(id: $id) {
    id status effectiveOn receivedAt acknowledgedAt registerYear registerNumber documentSha256
    receipt { json signature keyId receivedAt }
    lastReturn { reason note returnedAt }
    decision { number issuedOn }
    court { code }
    enforcementAgency { name }
    registerOffice { name }
    judgment { id number }
  }
}
"""

EXPLANATION_REQUESTS: Final = """
query CourtExplanationRequests($transfer: ID!, $first: Int!) {
  coordinationRequests(filter: {kind: EXPLANATION, role: RECEIVED, transferId: $transfer}, first: $first) {
    edges {
      node {
        id subject body status openedAt dueOn deadlineState answer answeredAt transferId judgmentId
        sender { name }
      }
    }
  }
}
"""

WAITING_REQUESTS: Final = """
query CourtWaitingRequests($first: Int!) {
  open: coordinationRequests(filter: {kind: EXPLANATION, role: RECEIVED, status: OPEN}, first: $first) {
    ...Waiting
  }
  received: coordinationRequests(filter: {kind: EXPLANATION, role: RECEIVED, status: RECEIVED}, first: $first) {
    ...Waiting
  }
  started: coordinationRequests(filter: {kind: EXPLANATION, role: RECEIVED, status: IN_PROGRESS}, first: $first) {
    ...Waiting
  }
}

fragment Waiting on CoordinationRequestConnection {
  edges {
    node {
      id subject body status openedAt dueOn deadlineState answer answeredAt transferId judgmentId
      sender { name }
    }
  }
}
"""
"""The requests still awaiting the court's answer, by status (reading an OPEN one records its receipt, so
the same request may come under two names: the page keeps it once)."""

ANSWER: Final = """
mutation AnswerExplanation($id: ID!, $note: String!) {
  respondToCoordinationRequest(id: $id, action: ANSWER, note: $note) {
    userErrors { field code message }
    request { id status transferId }
  }
}
"""

ALL: Final = (SUBMISSIONS, TRANSFER, EXPLANATION_REQUESTS, WAITING_REQUESTS, ANSWER)
