"""The GraphQL documents of the Viện kiểm sát page of its own (checked against the schema by a test); the
rest it shares with Phối hợp (``coordination_operations``)."""

from __future__ import annotations

from typing import Final

SUPERVISED: Final = """
query SupervisedJudgments($first: Int!, $after: String) {
  judgments(first: $first, after: $after) {
    totalCount
    edges {
      cursor
      node {
        id number effectiveOn status
        court { name }
        enforcementAgency { name }
        enforcementOffice { name }
        enforcementCase { caseNumber acceptedOn status decisions { number issuedOn kind officer } }
        supervision { kind number issuedOn summary replyDue repliedOn }
        transfer { id status registerNumber registerYear }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
"""The judgments whose enforcement the procuracy supervises (its copies), with the enforcement agency's case and
decisions, the procuracy's own documents, and the hub's transfer of the judgment (``Judgment.transfer``: null
when no court sent it through the hub) so each row links to the transfer's deadlines. Unfiltered: the hub's
policy keeps a procuracy to its area (a provincial procuracy's includes its area procuracies'; a ``procuracy``
filter would leave those out). No party is read: the page does not show them."""

SUPERVISED_AGENCIES: Final = "query SupervisedAgencies { me { agency { supervises { code } } } }"
"""The enforcement agencies the person's procuracy supervises, as the hub knows them (``domain.supervision``):
the only ones the form offers for a request, recommendation or protest."""

ALL: Final = (SUPERVISED, SUPERVISED_AGENCIES)
