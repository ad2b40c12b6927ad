"""The dialect readers: strict on dates and amounts, precise in their complaints."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.dialect import (
    CASE_STATUSES,
    DECISION_KINDS,
    OBLIGATION_KINDS,
    PARTY_KINDS,
    PARTY_ROLES,
    SEXES,
    SUPERVISION_KINDS,
    Fields,
    parse_choice,
    parse_date,
    parse_text,
    parse_vnd,
)
from domain.types import (
    CaseStatus,
    DecisionKind,
    ObligationKind,
    PartyKind,
    PartyRole,
    Sex,
    SupervisionKind,
)


class TestParseDate:
    def test_reads_day_first(self) -> None:
        assert parse_date("05/03/2026") == date(2026, 3, 5)

    @pytest.mark.parametrize("text", ["2026-03-05", "5/3/2026", "05/03/26", "05.03.2026", "", "05/03/2026x"])
    def test_refuses_other_layouts(self, text: str) -> None:
        with pytest.raises(ValueError, match="not a dd/mm/yyyy date"):
            parse_date(text)

    def test_refuses_days_that_do_not_exist(self) -> None:
        with pytest.raises(ValueError, match="no such day: '31/02/2026'"):
            parse_date("31/02/2026")

    @pytest.mark.parametrize("value", [None, 20260305, ["05/03/2026"]])
    def test_refuses_non_strings(self, value: object) -> None:
        with pytest.raises(ValueError, match="expected a dd/mm/yyyy date string"):
            parse_date(value)


class TestParseVnd:
    @pytest.mark.parametrize(
        ("text", "amount"),
        [("0", 0), ("500", 500), ("1.000", 1000), ("1.250.000", 1_250_000), ("351.250.000", 351_250_000)],
    )
    def test_reads_dotted_amounts(self, text: str, amount: int) -> None:
        assert parse_vnd(text) == amount

    def test_refuses_negative_amounts(self) -> None:
        with pytest.raises(ValueError, match="negative amount"):
            parse_vnd("-1.000")

    @pytest.mark.parametrize("text", ["1.25", "1.250,50", "1.250.000,00", "12.50.000", "1250000", "01.000", "", "abc"])
    def test_refuses_decimals_and_misplaced_separators(self, text: str) -> None:
        with pytest.raises(ValueError, match="not a VND amount"):
            parse_vnd(text)

    @pytest.mark.parametrize("value", [1250000, 12.5, None, True])
    def test_refuses_json_numbers(self, value: object) -> None:
        with pytest.raises(ValueError, match="expected a VND amount string"):
            parse_vnd(value)

    @given(st.integers(min_value=0, max_value=10**18))
    def test_reads_back_any_amount_written_the_agencies_way(self, amount: int) -> None:
        assert parse_vnd(f"{amount:,}".replace(",", ".")) == amount


class TestTextsAndLabels:
    def test_texts_come_out_nfc(self) -> None:
        decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Đào")
        assert parse_text(decomposed) == "Nguyễn Thị Hồng Đào"
        assert unicodedata.is_normalized("NFC", parse_text(decomposed))

    def test_blank_text_is_refused_unless_allowed(self) -> None:
        with pytest.raises(ValueError, match="empty text"):
            parse_text("  ")
        assert parse_text("", blank_ok=True) == ""

    def test_labels_match_in_any_normal_form(self) -> None:
        assert parse_choice(unicodedata.normalize("NFD", "tạm đình chỉ"), CASE_STATUSES) is CaseStatus.SUSPENDED

    def test_an_unknown_label_lists_the_known_ones(self) -> None:
        with pytest.raises(ValueError, match=r"unknown value 'bị đơn' \(expected one of: người được thi hành án"):
            parse_choice("bị đơn", PARTY_ROLES)

    @pytest.mark.parametrize(
        ("table", "label", "member"),
        [
            (PARTY_ROLES, "người có quyền lợi, nghĩa vụ liên quan", PartyRole.RELATED),
            (PARTY_KINDS, "tổ chức", PartyKind.ORGANISATION),
            (OBLIGATION_KINDS, "tịch thu", ObligationKind.CONFISCATION),
            (OBLIGATION_KINDS, "tiền phạt", ObligationKind.FINE),
            (OBLIGATION_KINDS, "khác", ObligationKind.OTHER),
            (CASE_STATUSES, "thi hành xong", CaseStatus.COMPLETED),
            (CASE_STATUSES, "chưa có điều kiện", CaseStatus.WITHOUT_CONDITIONS),
            (CASE_STATUSES, "đình chỉ", CaseStatus.TERMINATED),
            (DECISION_KINDS, "theo đơn yêu cầu", DecisionKind.ON_REQUEST),
            (SUPERVISION_KINDS, "kháng nghị", SupervisionKind.PROTEST),
            (SEXES, "Nữ", Sex.FEMALE),
        ],
    )
    def test_tables_map_vietnamese_labels_to_canonical_members(self, table: object, label: str, member: object) -> None:
        assert parse_choice(label, table) is member  # type: ignore[arg-type]

    def test_every_canonical_member_has_a_label(self) -> None:
        for table, enum in [
            (PARTY_ROLES, PartyRole),
            (PARTY_KINDS, PartyKind),
            (OBLIGATION_KINDS, ObligationKind),
            (CASE_STATUSES, CaseStatus),
            (DECISION_KINDS, DecisionKind),
            (SUPERVISION_KINDS, SupervisionKind),
            (SEXES, Sex),
        ]:
            assert set(table.values()) == set(enum)


class TestFields:
    def test_errors_name_the_field_path(self) -> None:
        record = Fields({"duong_su": [{"tu_cach": "người được thi hành án"}, {"tu_cach": "bị đơn"}]})
        second = record.objects("duong_su")[1]
        with pytest.raises(ValueError, match=r"^duong_su\[1\]\.tu_cach: unknown value 'bị đơn'"):
            second.choice("tu_cach", PARTY_ROLES)

    def test_a_missing_field_is_named(self) -> None:
        with pytest.raises(ValueError, match=r"^tai_lieu\.sha256: missing$"):
            Fields({"tai_lieu": {}}).nested("tai_lieu").sha256("sha256")

    def test_optional_fields_accept_null_and_absence(self) -> None:
        fields = Fields({"han_tra_loi": None, "so_tien": None})
        assert fields.optional_date("han_tra_loi") is None
        assert fields.optional_date("ngay_tra_loi") is None
        assert fields.optional_vnd("so_tien") is None
        assert fields.optional_text("ma_so_thue") is None

    def test_flags_and_integers_are_strict(self) -> None:
        fields = Fields({"vi_tri_nhay_cam": 2, "bien_che": "12", "so_nhiem_ky": 0})
        with pytest.raises(ValueError, match="vi_tri_nhay_cam: expected 0 or 1, got 2"):
            fields.flag("vi_tri_nhay_cam")
        with pytest.raises(ValueError, match="bien_che: expected an integer, got '12'"):
            fields.integer("bien_che")
        with pytest.raises(ValueError, match="so_nhiem_ky: expected at least 1, got 0"):
            fields.integer("so_nhiem_ky", minimum=1)

    def test_a_non_object_is_refused(self) -> None:
        with pytest.raises(ValueError, match="record: expected an object, got 'x'"):
            Fields("x")
