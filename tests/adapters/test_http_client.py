"""The shared HTTP client: errors mapped at the boundary, safe reads retried, status and metrics kept."""

from __future__ import annotations

import aiohttp
import pytest
from prometheus_client import CollectorRegistry

from adapters.circuit import CircuitBreaker
from domain.errors import AgencyBadData, AgencyTimeout, AgencyUnavailable
from tests.adapters.conftest import ClientFactory
from tests.adapters.fake_agency import FakeAgency

LOOKUP = "/api/ban-an/tra-cuu"
BODY: dict[str, list[object]] = {"danh_sach": []}


class TestAnswers:
    async def test_sends_the_api_key_and_reads_the_json_object(self, make_client: ClientFactory) -> None:
        answer = await make_client().post_json(LOOKUP, BODY, safe=True)
        assert answer == {"ket_qua": [], "khong_tim_thay": []}

    async def test_a_404_on_a_single_lookup_is_none(self, make_client: ClientFactory) -> None:
        answer = await make_client().get_json(
            "/api/ban-an/chi-tiet", {"ma_toa_an": "court.x", "so_ban_an": "1/2026/DS-ST"}, not_found_ok=True
        )
        assert answer is None

    async def test_a_404_elsewhere_is_a_hub_bug_not_a_missing_record(self, make_client: ClientFactory) -> None:
        with pytest.raises(AgencyUnavailable, match=r"refused the hub's request GET /khong-co \(HTTP 404"):
            await make_client().get_json("/khong-co")

    async def test_an_answer_that_is_not_json_is_bad_data(self, make_client: ClientFactory, fake: FakeAgency) -> None:
        fake.faults.append("not-json")
        with pytest.raises(AgencyBadData, match="is not JSON") as caught:
            await make_client().post_json(LOOKUP, BODY, safe=True)
        assert caught.value.agency == "court"

    async def test_a_json_answer_that_is_not_an_object_is_bad_data(
        self, make_client: ClientFactory, fake: FakeAgency
    ) -> None:
        fake.faults.append("json-list")
        with pytest.raises(AgencyBadData, match=r"not a JSON object \(got list\)"):
            await make_client().post_json(LOOKUP, BODY, safe=True)


class TestFailures:
    async def test_a_refused_connection_is_unavailable(self, make_client: ClientFactory, dead_url: str) -> None:
        with pytest.raises(AgencyUnavailable, match="cannot reach the agency system") as caught:
            await make_client(base_url=dead_url).post_json(LOOKUP, BODY, safe=True)
        assert isinstance(caught.value.__cause__, aiohttp.ClientConnectionError)

    async def test_a_hanging_agency_times_out(self, make_client: ClientFactory, fake: FakeAgency) -> None:
        fake.hang = True
        with pytest.raises(AgencyTimeout, match=r"no answer within 0.2 s"):
            await make_client(timeout_s=0.2).post_json(LOOKUP, BODY, safe=True)

    async def test_a_timeout_is_never_retried(self, make_client: ClientFactory, fake: FakeAgency) -> None:
        fake.faults.append("hang")
        with pytest.raises(AgencyTimeout):
            await make_client(timeout_s=0.2, retries=3).post_json(LOOKUP, BODY, safe=True)
        assert len(fake.calls) == 1

    async def test_rejected_credentials_say_so(self, make_client: ClientFactory) -> None:
        with pytest.raises(
            AgencyUnavailable, match=r"agency rejected the hub's credentials \(HTTP 401: Sai khóa API\)"
        ):
            await make_client(api_key="sai").post_json(LOOKUP, BODY, safe=True)

    @pytest.mark.parametrize("status", [500, 503, 429])
    async def test_server_errors_name_the_status(
        self, make_client: ClientFactory, fake: FakeAgency, status: int
    ) -> None:
        fake.faults.extend([status, status])
        with pytest.raises(AgencyUnavailable, match=f"HTTP {status}: Lỗi hệ thống {status}"):
            await make_client().post_json(LOOKUP, BODY, safe=True)

    async def test_a_redirect_is_not_followed(self, make_client: ClientFactory, fake: FakeAgency) -> None:
        fake.faults.append(302)
        with pytest.raises(AgencyUnavailable, match=r"with a redirect \(HTTP 302\)"):
            await make_client().post_json(LOOKUP, BODY, safe=True)

    async def test_a_4xx_caused_by_the_hub_is_not_retried(self, make_client: ClientFactory, fake: FakeAgency) -> None:
        fake.faults.append(400)
        with pytest.raises(AgencyUnavailable, match="this is a hub bug"):
            await make_client().post_json(LOOKUP, BODY, safe=True)
        assert len(fake.calls) == 1


class TestRetries:
    async def test_a_safe_read_is_retried_once_after_a_503(
        self, make_client: ClientFactory, fake: FakeAgency, registry: CollectorRegistry
    ) -> None:
        fake.faults.append(503)
        answer = await make_client().post_json(LOOKUP, BODY, safe=True)
        assert answer["ket_qua"] == []
        assert fake.paths() == [f"POST {LOOKUP}", f"POST {LOOKUP}"]
        retries = {"agency": "court", "operation": f"POST {LOOKUP}"}
        assert registry.get_sample_value("lienthong_adapter_retries_total", retries) == 1

    async def test_a_dropped_connection_is_retried_for_safe_reads(
        self, make_client: ClientFactory, fake: FakeAgency
    ) -> None:
        fake.faults.append("reset")
        assert await make_client().get_json("/api/ban-an", {"trang": 1, "so_ban_ghi": 10})
        assert len(fake.calls) == 2

    async def test_retries_are_configurable(self, make_client: ClientFactory, fake: FakeAgency) -> None:
        fake.faults.extend([503, 502, 504])
        assert await make_client(retries=3).post_json(LOOKUP, BODY, safe=True)
        assert len(fake.calls) == 4

    async def test_only_one_retry_by_default(self, make_client: ClientFactory, fake: FakeAgency) -> None:
        fake.faults.extend([503, 503, "ok"])
        with pytest.raises(AgencyUnavailable, match="HTTP 503"):
            await make_client().post_json(LOOKUP, BODY, safe=True)
        assert len(fake.calls) == 2

    async def test_unsafe_writes_are_never_retried(self, make_client: ClientFactory, fake: FakeAgency) -> None:
        fake.faults.append(503)
        with pytest.raises(AgencyUnavailable):
            await make_client().post_json(LOOKUP, BODY, safe=False)
        assert len(fake.calls) == 1

    @pytest.mark.parametrize("fault", ["reset", 502, 504])
    async def test_a_write_is_sent_once_whatever_transient_failure_follows(
        self, make_client: ClientFactory, fake: FakeAgency, fault: int | str
    ) -> None:
        """The agency may have acted on it: sending it again could act twice, so the caller decides."""
        fake.faults.append(fault)
        with pytest.raises(AgencyUnavailable):
            await make_client(retries=3).post_json(LOOKUP, BODY, safe=False)
        assert len(fake.calls) == 1

    async def test_a_plain_500_is_not_retried(self, make_client: ClientFactory, fake: FakeAgency) -> None:
        fake.faults.append(500)
        with pytest.raises(AgencyUnavailable):
            await make_client().post_json(LOOKUP, BODY, safe=True)
        assert len(fake.calls) == 1

    async def test_no_retry_when_the_back_off_would_spend_the_budget(
        self, make_client: ClientFactory, fake: FakeAgency
    ) -> None:
        fake.faults.append(503)
        with pytest.raises(AgencyUnavailable, match="HTTP 503"):
            await make_client(timeout_s=0.3, backoff_s=1.0).post_json(LOOKUP, BODY, safe=True)
        assert len(fake.calls) == 1


class TestStatusAndMetrics:
    async def test_status_records_the_last_success_and_the_last_error(
        self, make_client: ClientFactory, fake: FakeAgency
    ) -> None:
        client = make_client()
        assert client.status.ok is None
        await client.post_json(LOOKUP, BODY, safe=True)
        assert client.status.ok is True
        assert client.status.last_ok_at is not None
        assert client.status.last_ok_at.utcoffset() is not None  # aware, UTC
        fake.faults.append(500)
        with pytest.raises(AgencyUnavailable):
            await client.post_json(LOOKUP, BODY, safe=True)
        assert client.status.ok is False
        assert client.status.last_error is not None
        assert client.status.last_error.startswith("AGENCY_UNAVAILABLE: court: agency system failed (HTTP 500")
        assert client.status.last_error_at is not None

    async def test_calls_errors_and_latency_are_counted_by_agency_and_outcome(
        self, make_client: ClientFactory, fake: FakeAgency, registry: CollectorRegistry
    ) -> None:
        client = make_client("enforcement")
        await client.post_json(LOOKUP, BODY, safe=True)
        fake.hang = True
        with pytest.raises(AgencyTimeout):
            await make_client("enforcement", timeout_s=0.1).post_json(LOOKUP, BODY, safe=True)
        labels = {"agency": "enforcement", "operation": f"POST {LOOKUP}"}
        assert registry.get_sample_value("lienthong_adapter_calls_total", {**labels, "outcome": "ok"}) == 1
        assert registry.get_sample_value("lienthong_adapter_calls_total", {**labels, "outcome": "error"}) == 1
        assert registry.get_sample_value("lienthong_adapter_errors_total", {**labels, "code": "AGENCY_TIMEOUT"}) == 1
        assert registry.get_sample_value("lienthong_adapter_call_seconds_count", {**labels, "outcome": "ok"}) == 1

    async def test_ping_checks_the_health_answer(self, make_client: ClientFactory, fake: FakeAgency) -> None:
        client = make_client(api_key="no key is needed for health")
        await client.ping()
        assert client.status.ok is True
        fake.faults.append(503)
        fake.faults.append(503)
        with pytest.raises(AgencyUnavailable):
            await client.ping()
        assert client.status.ok is False

    def test_repr_hides_the_api_key(self, make_client: ClientFactory) -> None:
        assert "khoa" not in repr(make_client())


class TestCircuitBreaker:
    async def test_opens_after_consecutive_failures_and_fails_fast(
        self, make_client: ClientFactory, fake: FakeAgency
    ) -> None:
        client = make_client(retries=0, breaker=CircuitBreaker(failures=2, reset_after_s=60))
        fake.faults.extend([500, 500])
        for _ in range(2):
            with pytest.raises(AgencyUnavailable, match="HTTP 500"):
                await client.post_json(LOOKUP, BODY, safe=True)
        with pytest.raises(AgencyUnavailable, match=r"circuit open after 2 consecutive failures.*HTTP 500"):
            await client.post_json(LOOKUP, BODY, safe=True)
        assert len(fake.calls) == 2

    async def test_an_answer_the_hub_dislikes_does_not_count_against_the_agency(
        self, make_client: ClientFactory, fake: FakeAgency
    ) -> None:
        client = make_client(retries=0, breaker=CircuitBreaker(failures=2, reset_after_s=60))
        fake.faults.extend([500, "not-json", 500, "ok"])
        for error in (AgencyUnavailable, AgencyBadData, AgencyUnavailable):
            with pytest.raises(error):
                await client.post_json(LOOKUP, BODY, safe=True)
        assert await client.post_json(LOOKUP, BODY, safe=True)

    async def test_the_breaker_state_is_on_the_status_and_in_the_metrics(
        self, make_client: ClientFactory, fake: FakeAgency, registry: CollectorRegistry
    ) -> None:
        breaker = CircuitBreaker(failures=2, reset_after_s=60)
        client = make_client("procuracy", retries=0, breaker=breaker)
        assert client.status.circuit is breaker
        labels = {"agency": "procuracy"}

        def sample(name: str) -> float | None:
            return registry.get_sample_value(name, labels)

        assert (sample("lienthong_adapter_circuit_state"), sample("lienthong_adapter_circuit_openings_total")) == (0, 0)
        fake.faults.extend([503, 503])
        for _ in range(2):
            with pytest.raises(AgencyUnavailable, match="HTTP 503"):
                await client.post_json(LOOKUP, BODY, safe=True)
        with pytest.raises(AgencyUnavailable, match="circuit open"):
            await client.post_json(LOOKUP, BODY, safe=True)
        assert sample("lienthong_adapter_circuit_state") == 2
        assert sample("lienthong_adapter_circuit_openings_total") == 1
        assert sample("lienthong_adapter_circuit_rejected_total") == 1
        assert len(fake.calls) == 2

    async def test_the_gauge_shows_half_open_when_the_pause_is_over_and_closed_after_the_probe(
        self, make_client: ClientFactory, fake: FakeAgency, registry: CollectorRegistry
    ) -> None:
        now = [0.0]
        breaker = CircuitBreaker(failures=1, reset_after_s=5, clock=lambda: now[0])
        client = make_client("court", retries=0, breaker=breaker)
        fake.faults.append(500)
        with pytest.raises(AgencyUnavailable):
            await client.post_json(LOOKUP, BODY, safe=True)
        assert registry.get_sample_value("lienthong_adapter_circuit_state", {"agency": "court"}) == 2
        now[0] = 5
        assert registry.get_sample_value("lienthong_adapter_circuit_state", {"agency": "court"}) == 1
        assert await client.post_json(LOOKUP, BODY, safe=True)  # the probe
        assert registry.get_sample_value("lienthong_adapter_circuit_state", {"agency": "court"}) == 0
        assert registry.get_sample_value("lienthong_adapter_circuit_openings_total", {"agency": "court"}) == 1

    async def test_a_client_without_a_breaker_exports_none(
        self, make_client: ClientFactory, registry: CollectorRegistry
    ) -> None:
        client = make_client("enforcement")
        assert client.status.circuit is None
        assert registry.get_sample_value("lienthong_adapter_circuit_state", {"agency": "enforcement"}) is None
