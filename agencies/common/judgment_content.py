"""What a judgment of the catalogue says: its summary, parties and obligations, the court fee, its document text.

Everything is drawn from the judgment's own generator (``random.Random(f"{seed}:{index}")``,
handed in by :meth:`agencies.common.catalogue.Catalogue.judgment`) in a fixed
order, so a judgment renders the same in every process. Sample data, not statistics.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from agencies.common import people
from domain.types import (
    CaseType,
    Instance,
    JudgmentKey,
    Obligation,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
    Sex,
)

_SUMMARIES: Mapping[CaseType, tuple[str, ...]] = MappingProxyType(
    {
        CaseType.DS: (
            "Tranh chấp hợp đồng vay tài sản",
            "Tranh chấp hợp đồng mua bán tài sản",
            "Tranh chấp quyền sử dụng đất",
            "Tranh chấp hợp đồng đặt cọc",
            "Đòi tài sản",
            "Yêu cầu bồi thường thiệt hại ngoài hợp đồng",
            "Tranh chấp hợp đồng chuyển nhượng quyền sử dụng đất",
        ),
        CaseType.HNGD: (
            "Ly hôn, tranh chấp nuôi con và chia tài sản chung khi ly hôn",
            "Tranh chấp chia tài sản chung sau khi ly hôn",
            "Ly hôn và tranh chấp cấp dưỡng nuôi con",
        ),
        CaseType.KDTM: (
            "Tranh chấp hợp đồng tín dụng",
            "Tranh chấp hợp đồng mua bán hàng hóa",
            "Tranh chấp hợp đồng cung ứng dịch vụ",
            "Tranh chấp hợp đồng thuê tài sản",
            "Tranh chấp hợp đồng thi công xây dựng",
        ),
        CaseType.LD: (
            "Tranh chấp về đơn phương chấm dứt hợp đồng lao động",
            "Tranh chấp về tiền lương",
            "Tranh chấp về bảo hiểm xã hội",
        ),
        CaseType.HC: (
            "Khiếu kiện quyết định hành chính trong lĩnh vực quản lý đất đai",
            "Khiếu kiện quyết định thu hồi đất, bồi thường, hỗ trợ, tái định cư",
            "Khiếu kiện quyết định xử phạt vi phạm hành chính",
        ),
        CaseType.HS: (
            "Lừa đảo chiếm đoạt tài sản (Điều 174 Bộ luật Hình sự)",
            "Trộm cắp tài sản (Điều 173 Bộ luật Hình sự)",
            "Lạm dụng tín nhiệm chiếm đoạt tài sản (Điều 175 Bộ luật Hình sự)",
            "Cố ý gây thương tích (Điều 134 Bộ luật Hình sự)",
            "Tổ chức đánh bạc (Điều 322 Bộ luật Hình sự)",
            "Vi phạm quy định về tham gia giao thông đường bộ (Điều 260 Bộ luật Hình sự)",
            "Tàng trữ trái phép chất ma túy (Điều 249 Bộ luật Hình sự)",
        ),
    }
)

# (share of organisations among creditors, share among debtors, chance of a second creditor,
#  chance of a second debtor, chance of a related party)
_PARTY_SHAPE: Mapping[CaseType, tuple[float, float, float, float, float]] = MappingProxyType(
    {
        CaseType.DS: (0.15, 0.10, 0.20, 0.20, 0.20),
        CaseType.HNGD: (0.0, 0.0, 0.0, 0.0, 0.10),
        CaseType.KDTM: (0.85, 0.75, 0.10, 0.30, 0.25),
        CaseType.LD: (0.0, 0.95, 0.25, 0.0, 0.05),
        CaseType.HC: (0.0, 1.0, 0.10, 0.0, 0.15),
        CaseType.HS: (0.15, 0.0, 0.20, 0.30, 0.15),
    }
)
# (chance of a payment to each creditor, smallest, largest amount)
_PAYMENTS: Mapping[CaseType, tuple[float, int, int]] = MappingProxyType(
    {
        CaseType.DS: (0.90, 5_000_000, 2_000_000_000),
        CaseType.HNGD: (0.65, 5_000_000, 3_000_000_000),
        CaseType.KDTM: (0.95, 50_000_000, 5_000_000_000),
        CaseType.LD: (0.90, 5_000_000, 500_000_000),
        CaseType.HC: (0.0, 0, 0),
        CaseType.HS: (0.80, 5_000_000, 1_000_000_000),
    }
)
_PAYMENT_TEXTS: Mapping[CaseType, tuple[str, ...]] = MappingProxyType(
    {
        CaseType.DS: (
            "Trả nợ gốc và lãi",
            "Bồi thường thiệt hại",
            "Hoàn trả tiền đặt cọc",
            "Thanh toán tiền mua bán tài sản",
        ),
        CaseType.HNGD: ("Thanh toán giá trị tài sản chung được chia", "Cấp dưỡng nuôi con một lần"),
        CaseType.KDTM: ("Thanh toán nợ gốc và lãi theo hợp đồng tín dụng", "Thanh toán tiền hàng còn nợ"),
        CaseType.LD: ("Trả tiền lương và trợ cấp thôi việc", "Bồi thường do đơn phương chấm dứt hợp đồng lao động"),
        CaseType.HC: ("Bồi thường thiệt hại",),
        CaseType.HS: ("Bồi thường thiệt hại cho bị hại", "Trả lại số tiền đã chiếm đoạt"),
    }
)
_FEE_TEXTS: Mapping[CaseType, str] = MappingProxyType(
    {
        CaseType.DS: "Án phí dân sự",
        CaseType.HNGD: "Án phí dân sự",
        CaseType.KDTM: "Án phí kinh doanh, thương mại",
        CaseType.LD: "Án phí lao động",
        CaseType.HC: "Án phí hành chính",
        CaseType.HS: "Án phí hình sự",
    }
)
_ASSETS = (
    "Trả lại quyền sử dụng thửa đất số {n}, tờ bản đồ số {m}, diện tích {a} m²",
    "Trả lại 01 xe ô tô biển kiểm soát {p}",
    "Trả lại 01 xe mô tô biển kiểm soát {p}",
)
_LOCAL_BODIES = tuple(f"phường {w}" for w in people.WARDS[:8]) + tuple(f"xã {c}" for c in people.COMMUNES[:6])
_CONFISCATED_ITEMS = ("01 điện thoại di động", "01 xe mô tô", "số tiền thu lợi bất chính")


def summary(rng: random.Random, case_type: CaseType) -> str:
    """What the case was about, one of the usual wordings for ``case_type``."""
    return people.pick(rng, _SUMMARIES[case_type])


def _party(
    rng: random.Random,
    role: PartyRole,
    kind: str,
    label: str,
    formers: tuple[str, ...],
    sex: Sex | None = None,
) -> Party:
    """One party; ``kind`` is "person", "company", "bank" or "public body"."""
    address = people.address(rng, label)
    if kind == "person":
        who = people.person(rng, people.pick(rng, formers), born_between=(1950, 2005), sex=sex)
        return Party(who.name, role, PartyKind.INDIVIDUAL, address, citizen_id=who.citizen_id)
    if kind == "bank":
        name = people.bank_name(rng)
    elif kind == "public body":
        name = f"Ủy ban nhân dân {people.pick(rng, _LOCAL_BODIES)}"
    else:
        name = people.company_name(rng)
    return Party(name, role, PartyKind.ORGANISATION, address, tax_code=people.tax_code(rng))


def parties(rng: random.Random, case_type: CaseType, label: str, formers: tuple[str, ...]) -> tuple[Party, ...]:
    org_creditor, org_debtor, two_creditors, two_debtors, related = _PARTY_SHAPE[case_type]
    if case_type is CaseType.HNGD:  # former spouses
        sex = people.random_sex(rng)
        other = Sex.FEMALE if sex is Sex.MALE else Sex.MALE
        out = [
            _party(rng, PartyRole.CREDITOR, "person", label, formers, sex),
            _party(rng, PartyRole.DEBTOR, "person", label, formers, other),
        ]
    else:
        out = []
        for _ in range(2 if rng.random() < two_creditors else 1):
            kind = "person"
            if rng.random() < org_creditor:
                kind = "bank" if case_type is CaseType.KDTM and rng.random() < 0.55 else "company"
            out.append(_party(rng, PartyRole.CREDITOR, kind, label, formers))
        for n in range(2 if rng.random() < two_debtors else 1):
            kind = "person"
            if n == 0 and rng.random() < org_debtor:
                kind = "public body" if case_type is CaseType.HC else "company"
            out.append(_party(rng, PartyRole.DEBTOR, kind, label, formers))
    if rng.random() < related:
        out.append(_party(rng, PartyRole.RELATED, "person", label, formers))
    return tuple(out)


def _amount(rng: random.Random, low: int, high: int) -> int:
    """Log-uniform between ``low`` and ``high``, rounded like amounts in judgments are (multiples of 1.000)."""
    raw = math.exp(rng.uniform(math.log(low), math.log(high)))
    unit = 1_000_000 if raw >= 50_000_000 else 100_000 if rng.random() < 0.6 else 1_000
    return max(low, min(high, round(raw / unit) * unit))


def court_fee(claim: int) -> int:
    """Court fee on a monetary claim, by the brackets of Resolution 326/2016/UBTVQH14 (sample data).

    Kept within 300.000–50.000.000 đồng, the range the reference data promises.
    """
    if claim <= 6_000_000:
        fee = 300_000
    elif claim <= 400_000_000:
        fee = claim * 5 // 100
    elif claim <= 800_000_000:
        fee = 20_000_000 + (claim - 400_000_000) * 4 // 100
    elif claim <= 2_000_000_000:
        fee = 36_000_000 + (claim - 800_000_000) * 3 // 100
    elif claim <= 4_000_000_000:
        fee = 72_000_000 + (claim - 2_000_000_000) * 2 // 100
    else:
        fee = 112_000_000 + (claim - 4_000_000_000) // 1_000
    return max(300_000, min(50_000_000, round(fee / 1_000) * 1_000))


def obligations(
    rng: random.Random, case_type: CaseType, instance: Instance, parties: tuple[Party, ...]
) -> tuple[Obligation, ...]:
    creditors = [p for p in parties if p.role is PartyRole.CREDITOR]
    chance, low, high = _PAYMENTS[case_type]
    items: list[Obligation] = []
    for creditor in creditors:
        if rng.random() < chance:
            text = people.pick(rng, _PAYMENT_TEXTS[case_type])
            items.append(
                Obligation(ObligationKind.PAYMENT, text, False, _amount(rng, low, high), beneficiary=creditor.name)
            )
    if case_type in (CaseType.DS, CaseType.HNGD) and rng.random() < 0.10:
        asset = people.pick(rng, _ASSETS).format(
            n=people.between(rng, 10, 999),
            m=people.between(rng, 1, 60),
            a=people.between(rng, 40, 900),
            p=f"{people.between(rng, 11, 99)}A-{people.between(rng, 100, 999)}.{people.between(rng, 10, 99)}",
        )
        items.append(Obligation(ObligationKind.RETURN_OF_ASSETS, asset, False, None, beneficiary=creditors[0].name))
    if case_type is CaseType.HS:
        if rng.random() < 0.45:
            text = people.pick(rng, ("Hình phạt tiền", "Phạt tiền bổ sung"))
            items.append(Obligation(ObligationKind.FINE, text, True, _amount(rng, 5_000_000, 200_000_000)))
        if rng.random() < 0.30:
            item = people.pick(rng, _CONFISCATED_ITEMS)
            amount = _amount(rng, 5_000_000, 500_000_000) if item.startswith("số tiền") else None
            items.append(Obligation(ObligationKind.CONFISCATION, f"Tịch thu sung quỹ Nhà nước {item}", True, amount))
    claim = sum(o.amount or 0 for o in items if o.kind is ObligationKind.PAYMENT)
    fee = court_fee(claim)
    stage = "sơ thẩm"
    if instance is Instance.PT:
        fee = min(50_000_000, fee + 300_000)
        stage = "sơ thẩm và phúc thẩm"
    fee_text = f"{_FEE_TEXTS[case_type]} {stage}"
    return (Obligation(ObligationKind.COURT_FEE, fee_text, True, fee), *items)


def document_text(
    key: JudgmentKey,
    court_name: str,
    adjudicated: date,
    judge: str,
    summary: str,
    parties: tuple[Party, ...],
    obligations: tuple[Obligation, ...],
) -> str:
    """The stand-in for the judgment's signed document: its SHA-256 is what the court publishes."""
    lines = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        court_name.upper(),
        f"Bản án số: {key.number}",
        f"Ngày: {adjudicated.isoformat()}",
        f"V/v: {summary}",
        f"Thẩm phán - Chủ tọa phiên tòa: {judge}",
        *(f"{p.role.value}: {p.name}, {p.citizen_id or p.tax_code}, {p.address}" for p in parties),
        *(f"{o.kind.value}: {o.description}, {o.amount}, {o.beneficiary}" for o in obligations),
    ]
    return "\n".join(lines)
