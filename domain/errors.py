"""Errors that carry a stable code for clients.

HubError
 ├── NotFound              NOT_FOUND
 ├── Forbidden             FORBIDDEN
 ├── Conflict              CONFLICT
 ├── BadInput              BAD_USER_INPUT
 └── AgencyError           (an agency system failed us)
      ├── AgencyUnavailable   AGENCY_UNAVAILABLE  (refused, 5xx, circuit open)
      ├── AgencyTimeout       AGENCY_TIMEOUT      (no answer within the adapter timeout)
      ├── AgencyBadData       AGENCY_BAD_DATA     (answered with something we cannot translate)
      └── AgencyNoRecord      AGENCY_NO_RECORD    (answered that it holds nothing the hub knows it should)

Only these reach clients with their message; anything else is masked by the
gateway and logged whole.
"""

from __future__ import annotations

from domain.messages import Text, msg


class HubError(Exception):
    code: str = "INTERNAL"

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.message = message

    def extensions(self) -> dict[str, str]:
        return {"code": self.code}


class NotFound(HubError):
    code = "NOT_FOUND"


class Forbidden(HubError):
    code = "FORBIDDEN"


class Conflict(HubError):
    code = "CONFLICT"


class BadInput(HubError):
    code = "BAD_USER_INPUT"

    @classmethod
    def of(cls, exc: ValueError) -> BadInput:
        """BAD_USER_INPUT for a ``ValueError`` raised below the schema: its catalogue text if it is :class:`Invalid`."""
        if isinstance(exc, Invalid):
            return cls(exc.message)
        return cls(msg("the value given is not acceptable: {detail}", detail=str(exc)))


class Invalid(ValueError):
    """A value given by the caller that a layer below the schema cannot take (a cursor, a period, a filter).

    A ``ValueError`` (callers that catch those keep working) whose ``message`` is from the
    catalogue; the resolver answers it as :meth:`BadInput.of`.
    """

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.message = message


class AgencyError(HubError):
    """An agency system could not give us what we asked for."""

    def __init__(self, agency: str, message: Text, record: str | None = None) -> None:
        super().__init__(msg("{agency}: {problem}", agency=agency, problem=message))
        self.agency = agency
        self.record = record

    def extensions(self) -> dict[str, str]:
        ext = {"code": self.code, "agency": self.agency}
        if self.record is not None:
            ext["record"] = self.record
        return ext


class AgencyUnavailable(AgencyError):
    code = "AGENCY_UNAVAILABLE"


class AgencyTimeout(AgencyError):
    code = "AGENCY_TIMEOUT"


class AgencyBadData(AgencyError):
    code = "AGENCY_BAD_DATA"


class AgencyNoRecord(AgencyError):
    """The system answered, and holds no record of something the hub knows exists.

    Not a failure of the call (no circuit breaker counts it): the hub's own records
    (a judgment in its registry, an enforcement agency's acceptance of a transfer)
    say the system should hold it, so a null alone would read as "there is nothing".
    """

    code = "AGENCY_NO_RECORD"
