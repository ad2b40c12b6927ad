"""The judgments registry: registration, batch lookups, filtered search and keyset paging."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.jurisdiction import Route, route_judgment
from domain.types import Agency, CaseType, Instance
from ledger.db import write_transaction
from ledger.judgments import JudgmentFilter, JudgmentRegistry, RegistryEntry, entry_from
from ledger.paging import encode_cursor
from tests.ledger.conftest import REGISTERED_AT, judgment, register, seed, utc

Sessions = async_sessionmaker[AsyncSession]

J1 = judgment("court.ha-noi.kv01", "1/2025/DS-ST", date(2025, 8, 1), "Nguyễn Văn An", "Đặng Thị Hồng")
J2 = judgment(
    "court.ha-noi.kv02",
    "2/2025/KDTM-ST",
    date(2025, 8, 5),
    "Công ty TNHH 100% vốn Hà Nội",
    "NGUYỄN văn an",
    case_type=CaseType.KDTM,
)
J3 = judgment(
    "court.ha-noi", "3/2025/HS-PT", date(2025, 9, 1), "Trần_Văn Bình", case_type=CaseType.HS, instance=Instance.PT
)
J4 = judgment("court.hue.kv01", "4/2025/DS-ST", date(2025, 7, 15), "Trần Văn Cường")
J5 = judgment("court.old.ha-noi.h01", "5/2024/HNGĐ-ST", date(2025, 6, 20), "Lê Thị Mai", case_type=CaseType.HNGD)
J6 = judgment("court.old.yen-bai", "6/2024/LĐ-ST", date(2025, 5, 2), "Phạm Minh Đức", case_type=CaseType.LD)
ALL = (J1, J2, J3, J4, J5, J6)


def ids(*judgments: object) -> set[str]:
    return {str(j.key) for j in judgments}  # type: ignore[attr-defined]


@pytest.fixture
async def registry(sessions: Sessions, organisation: dict[str, Agency]) -> Sessions:
    await seed(sessions, organisation, register(organisation, ALL))
    return sessions


async def search_all(sessions: Sessions, criteria: JudgmentFilter) -> tuple[set[str], int]:
    async with sessions() as session:
        registry = JudgmentRegistry(session)
        page = await registry.search(criteria, first=500)
        return {entry.id for entry in page.items}, await registry.count(criteria)


class TestEntryFrom:
    def test_routes_and_folds_party_names(self, organisation: dict[str, Agency]) -> None:
        entry = entry_from(J5, route_judgment(J5.key.court_code, organisation), REGISTERED_AT)
        assert entry.id == "court.old.ha-noi.h01:5/2024/HNGĐ-ST"
        assert entry.current_court_code == "court.ha-noi.kv01"
        assert entry.enforcement_agency_code == "enforcement.ha-noi"
        assert entry.enforcement_office_code == "enforcement.ha-noi.kv01"
        assert entry.procuracy_code == "procuracy.ha-noi.kv01"
        assert entry.province_code == "ha-noi"
        assert entry.party_search == "le thi mai"
        assert entry_from(J1, route_judgment(J1.key.court_code, organisation), REGISTERED_AT).party_search == (
            "nguyen van an | dang thi hong"
        )

    def test_is_also_reachable_from_the_registry_class(self) -> None:
        assert JudgmentRegistry.entry_from is entry_from

    def test_province_must_be_given_when_the_route_does_not_tell(self) -> None:
        route = Route("court.x", "enforcement-agency-x", None, "procuracy.x")
        with pytest.raises(ValueError, match="pass province_code"):
            entry_from(J1, route, REGISTERED_AT)
        assert entry_from(J1, route, REGISTERED_AT, province_code="x").province_code == "x"

    def test_naive_registration_times_are_refused(self, organisation: dict[str, Agency]) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            entry_from(J1, route_judgment(J1.key.court_code, organisation), datetime(2025, 9, 1, 8, 0))


class TestRegistration:
    async def test_entries_round_trip_with_times_in_utc(
        self, registry: Sessions, organisation: dict[str, Agency]
    ) -> None:
        expected = register(organisation, ALL)
        async with registry() as session:
            found = await JudgmentRegistry(session).get_many([e.id for e in expected])
        assert found == [dataclasses.replace(e, registered_at=utc(e.registered_at)) for e in expected]
        assert all(entry is not None and entry.registered_at.utcoffset() == timedelta(0) for entry in found)

    async def test_get_many_keeps_the_order_asked_for(self, registry: Sessions) -> None:
        wanted = [str(J3.key), "court.x:missing", str(J1.key), str(J3.key)]
        async with registry() as session:
            found = await JudgmentRegistry(session).get_many(wanted)
        assert [entry.id if entry else None for entry in found] == [wanted[0], None, wanted[2], wanted[0]]

    async def test_registering_again_refreshes_details_but_keeps_history(
        self, registry: Sessions, organisation: dict[str, Agency]
    ) -> None:
        [original] = register(organisation, [J1])
        again = dataclasses.replace(
            original, document_sha256="cd" * 32, registered_at=REGISTERED_AT + timedelta(days=3), status="registered"
        )
        async with write_transaction(registry) as session:
            await JudgmentRegistry(session).upsert_many([again, again])
        async with registry() as session:
            stored = await JudgmentRegistry(session).get(original.id)
        assert stored is not None
        assert stored.document_sha256 == "cd" * 32
        assert stored.registered_at == original.registered_at

    async def test_judgments_must_name_known_agencies(
        self, sessions: Sessions, organisation: dict[str, Agency]
    ) -> None:
        with pytest.raises(IntegrityError):
            async with write_transaction(sessions) as session:
                await JudgmentRegistry(session).upsert_many(register(organisation, [J1]))


class TestSearchFilters:
    @pytest.mark.parametrize(
        ("criteria", "expected"),
        [
            pytest.param(JudgmentFilter(), ids(*ALL), id="no-filter"),
            pytest.param(JudgmentFilter(court_code="court.ha-noi.kv01"), ids(J1, J5), id="court-and-predecessors"),
            pytest.param(JudgmentFilter(court_code="court.old.ha-noi.h01"), ids(J5), id="dissolved-court"),
            pytest.param(
                JudgmentFilter(enforcement_agency_code="enforcement.ha-noi"), ids(J1, J2, J3, J5), id="agency"
            ),
            pytest.param(JudgmentFilter(enforcement_agency_code="enforcement.ha-noi.kv01"), ids(J1, J5), id="office"),
            pytest.param(JudgmentFilter(procuracy_code="procuracy.ha-noi"), ids(J3), id="provincial-procuracy"),
            pytest.param(JudgmentFilter(procuracy_code="procuracy.hue.kv01"), ids(J4), id="area-procuracy"),
            pytest.param(JudgmentFilter(province_code="hue"), ids(J4), id="province"),
            pytest.param(JudgmentFilter(case_type=CaseType.HS), ids(J3), id="case-type"),
            pytest.param(JudgmentFilter(case_type=CaseType.HNGD), ids(J5), id="case-type-with-diacritic"),
            pytest.param(
                JudgmentFilter(effective_from=date(2025, 8, 1), effective_to=date(2025, 8, 5)),
                ids(J1, J2),
                id="effective-between-inclusive",
            ),
            pytest.param(JudgmentFilter(effective_to=date(2025, 6, 30)), ids(J5, J6), id="effective-to"),
            pytest.param(JudgmentFilter(effective_from=date(2025, 9, 1)), ids(J3), id="effective-from"),
            pytest.param(
                JudgmentFilter(codes_any=["procuracy.hue.kv01", "court.old.yen-bai"]), ids(J4, J6), id="codes-any"
            ),
            pytest.param(JudgmentFilter(codes_any=["enforcement.ha-noi.kv02"]), ids(J2), id="codes-any-office"),
            pytest.param(JudgmentFilter(codes_any=[]), set(), id="codes-any-empty-denies"),
            pytest.param(JudgmentFilter(province_code="ha-noi", party="nguyen"), ids(J1, J2), id="combined"),
            pytest.param(JudgmentFilter(province_code="hue", party="nguyen"), set(), id="combined-none"),
        ],
    )
    async def test_filter(self, registry: Sessions, criteria: JudgmentFilter, expected: set[str]) -> None:
        assert await search_all(registry, criteria) == (expected, len(expected))

    async def test_yen_bai_judgments_route_to_the_merged_province(
        self, registry: Sessions, organisation: dict[str, Agency]
    ) -> None:
        province = organisation[organisation["court.old.yen-bai"].successor_code or ""].province_code
        assert await search_all(registry, JudgmentFilter(province_code=province)) == (ids(J6), 1)


class TestPartySearch:
    @pytest.mark.parametrize(
        ("party", "expected"),
        [
            ("nguyen van an", ids(J1, J2)),  # "Nguyễn Văn An" and "NGUYỄN văn an"
            ("Nguyễn Văn An", ids(J1, J2)),
            ("  NGUYEN   an ", ids(J1, J2)),
            ("đặng", ids(J1)),
            ("dang", ids(J1)),
            ("ĐẶNG thị hồng", ids(J1)),
            ("duc", ids(J6)),  # Đức
            ("100%", ids(J2)),
            ("10%", set()),  # % is a character, not a wildcard ("100%" would match "10%" as a pattern)
            ("tran_van", ids(J3)),  # _ is a character, not "any one": "Trần Văn Cường" stays out
            ("l_", set()),
            ("nguyen cuong", set()),
            ("", ids(*ALL)),
        ],
    )
    async def test_party_words_match_whatever_the_diacritics_and_case(
        self, registry: Sessions, party: str, expected: set[str]
    ) -> None:
        assert await search_all(registry, JudgmentFilter(party=party)) == (expected, len(expected))


class TestPaging:
    @pytest.fixture
    async def many(self, sessions: Sessions, organisation: dict[str, Agency]) -> list[str]:
        """37 judgments over 4 effective dates, so most pages split a run of equal dates."""
        courts = ["court.ha-noi.kv01", "court.ha-noi.kv02", "court.hue.kv01"]
        judgments = [
            judgment(courts[n % 3], f"{n}/2025/DS-ST", date(2025, 8, 1) + timedelta(days=n % 4), f"Bên {n}")
            for n in range(37)
        ]
        await seed(sessions, organisation, register(organisation, judgments))
        async with sessions() as session:
            page = await JudgmentRegistry(session).search(JudgmentFilter(), first=500)
        assert not page.has_next_page
        return [entry.id for entry in page.items]

    @pytest.mark.parametrize("size", [1, 5, 9, 37])
    async def test_pages_walk_every_row_once_in_order(self, sessions: Sessions, many: list[str], size: int) -> None:
        seen: list[str] = []
        dates: list[date] = []
        after: str | None = None
        async with sessions() as session:
            registry = JudgmentRegistry(session)
            while True:
                page = await registry.search(JudgmentFilter(), first=size, after=after)
                assert len(page.items) <= size
                seen.extend(entry.id for entry in page.items)
                dates.extend(entry.effective_on for entry in page.items)
                assert page.start_cursor == (page.cursors[0] if page.items else None)
                if not page.has_next_page:
                    break
                assert len(page.items) == size
                after = page.end_cursor
        assert seen == many
        assert len(set(seen)) == 37
        assert dates == sorted(dates, reverse=True)

    async def test_paging_respects_the_filter(self, sessions: Sessions, many: list[str]) -> None:
        criteria = JudgmentFilter(court_code="court.hue.kv01")
        seen: list[str] = []
        after = None
        async with sessions() as session:
            registry = JudgmentRegistry(session)
            total = await registry.count(criteria)
            while True:
                page = await registry.search(criteria, first=4, after=after)
                seen.extend(entry.id for entry in page.items)
                if not page.has_next_page:
                    break
                after = page.end_cursor
        assert seen == [judgment_id for judgment_id in many if judgment_id.startswith("court.hue.kv01:")]
        assert total == len(seen) == 12

    async def test_an_empty_result_has_no_cursors(self, registry: Sessions) -> None:
        async with registry() as session:
            page = await JudgmentRegistry(session).search(JudgmentFilter(province_code="nowhere"), first=10)
        assert (page.items, page.has_next_page, page.start_cursor, page.end_cursor) == ((), False, None, None)

    @pytest.mark.parametrize(
        "cursor",
        [
            "garbage!",
            "eyJub3QiOiAiYSBsaXN0In0",  # {"not": "a list"}
            encode_cursor("judgments", ["not-a-date", "court.x:1"]),
            encode_cursor("transfers", ["2025-08-01", "court.x:1"]),
        ],
    )
    async def test_malformed_cursors_are_value_errors(self, registry: Sessions, cursor: str) -> None:
        async with registry() as session:
            with pytest.raises(ValueError, match="malformed cursor"):
                await JudgmentRegistry(session).search(JudgmentFilter(), first=10, after=cursor)

    @pytest.mark.parametrize("first", [0, 501])
    async def test_page_size_is_bounded(self, registry: Sessions, first: int) -> None:
        async with registry() as session:
            with pytest.raises(ValueError, match="first must be"):
                await JudgmentRegistry(session).search(JudgmentFilter(), first=first)


def test_registry_entries_check_their_id(organisation: dict[str, Agency]) -> None:
    [entry] = register(organisation, [J1])
    with pytest.raises(ValueError, match="is not"):
        RegistryEntry(**{**dataclasses.asdict(entry), "id": "court.x:1"})
