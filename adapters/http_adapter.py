"""What the HTTP adapters share: construction, batch lookups, ping.

Court, enforcement and procuracy systems all answer batches of judgment keys
(at most 500 per call), so each adapter only says how to ask for one chunk and
how to read the answer (``_lookup``); this base de-duplicates keys in their NFC
form, chunks, runs chunks concurrently and puts the answers back in order.
Each ``_lookup`` (the personnel adapters' too) posts its chunk and has the
answer's entries matched to the keys by :meth:`ClientBoundAdapter._ask`::

    court = HttpCourtAdapter(session, HttpAgencyConfig(url, api_key=key), metrics)
    court = HttpCourtAdapter.from_client(AgencyHttpClient(session, "court", url, key, 2.0, retries=2))
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Generic, Self, TypeVar

import aiohttp

from adapters.base import AdapterStatus
from adapters.batching import MAX_BATCH, Matched, lookup_in_chunks, match_entries
from adapters.config import HttpAgencyConfig
from adapters.dialect import Fields, normal_key
from adapters.http import AgencyHttpClient, JsonObject
from adapters.metrics import AdapterMetrics
from domain.errors import AgencyBadData
from domain.types import JudgmentKey

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ClientBoundAdapter:
    """An adapter over one :class:`AgencyHttpClient` bound to its agency, asking at most ``batch_size`` keys a call.

    Built from settings (``__init__``) or over a client built by hand (``from_client``:
    other back-off, tests).
    """

    agency: str  # set by each subclass, e.g. "court" | "enforcement" | "procuracy" | "court-personnel"
    status: AdapterStatus

    def __init__(
        self,
        session: aiohttp.ClientSession,
        config: HttpAgencyConfig,
        metrics: AdapterMetrics | None = None,
        *,
        batch_size: int = MAX_BATCH,
    ) -> None:
        self._use(AgencyHttpClient.from_config(session, self.agency, config, metrics), batch_size)

    @classmethod
    def from_client(cls, client: AgencyHttpClient, *, batch_size: int = MAX_BATCH) -> Self:
        """Over a client built by hand; it must be bound to this adapter's agency."""
        if client.agency != cls.agency:
            raise ValueError(f"a {cls.agency} adapter needs a {cls.agency} client, got one for {client.agency!r}")
        adapter = cls.__new__(cls)
        adapter._use(client, batch_size)
        return adapter

    def _use(self, client: AgencyHttpClient, batch_size: int) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be between 1 and {MAX_BATCH}, got {batch_size}")
        self._client = client
        self._batch_size = batch_size
        self.status = client.status

    async def _ask(
        self,
        path: str,
        body: JsonObject,
        chunk: Sequence[K],
        name_of: Callable[[object], Hashable | None],
        *,
        entries: str,
        absent: str | None = None,
        key_name: Callable[[K], Hashable] | None = None,
    ) -> Matched[K]:
        """POST one chunk (a safe read) and match the entries of the answer to the keys asked for.

        ``entries`` names the answer's list of entries, ``absent`` its list of keys
        the system does not hold (where the dialect has one); ``name_of`` and
        ``key_name`` are those of :func:`adapters.batching.match_entries`. An answer
        without those lists raises AgencyBadData, recorded on ``status``.
        """
        answer = await self._client.post_json(path, body, safe=True)
        try:
            fields = Fields(answer)
            listed = fields.array(entries)
            not_held = fields.array(absent) if absent is not None else []
        except ValueError as error:
            raise self._client.bad_answer(f"POST {path}", error) from None
        return match_entries(chunk, listed, name_of, absent=not_held, key_name=key_name)

    def _count_bad(self, answers: Iterable[object], unplaced: int = 0) -> None:
        """Count as bad records the answers that are (or hold) AgencyBadData, and ``unplaced`` entries."""
        self._client.tracker.count_bad_records(sum(self._is_bad(answer) for answer in answers) + unplaced)

    @staticmethod
    def _is_bad(answer: object) -> bool:
        return isinstance(answer, AgencyBadData)


class HttpJudgmentAdapter(ClientBoundAdapter, Generic[V]):
    """Base of the adapters whose agency answers batches of judgment keys over HTTP."""

    async def fetch_many(self, keys: Sequence[JudgmentKey]) -> Sequence[V]:
        """One answer per key, in order; each distinct key (NFC) is asked for once."""
        wanted = [normal_key(key) for key in keys]
        self._client.tracker.observe_batch(len(set(wanted)))
        return await lookup_in_chunks(wanted, self._lookup, size=self._batch_size)

    async def ping(self) -> None:
        """GET /health; raises an AgencyError and records it on ``status`` if the agency is not ready."""
        await self._client.ping()

    async def _lookup(self, chunk: Sequence[JudgmentKey]) -> Mapping[JudgmentKey, V]:
        """Ask the agency about one chunk (≤ batch size, distinct keys); answer every key of it."""
        raise NotImplementedError


def judgment_name(key: JudgmentKey) -> tuple[str, str]:
    """A judgment as the entries of an answer name it, (court code, number): the ``key_name`` of judgment lookups."""
    return key.court_code, key.number
