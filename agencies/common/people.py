"""Realistic Vietnamese names, identity numbers, organisations and addresses for sample data.

Everything here is a pure function of a ``random.Random`` handed in, so callers
decide determinism (one generator per record). Word pools are tuples: constant,
never mutated. Texts are written in NFC; a test checks it.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import TypeVar

from domain.types import Sex

T = TypeVar("T")

# Approximate frequencies of the commonest family names (percent of the population).
SURNAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.1),
    ("Hoàng", 3.5),
    ("Huỳnh", 1.6),
    ("Phan", 4.5),
    ("Vũ", 2.5),
    ("Võ", 1.4),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 0.6),
    ("Trương", 0.6),
    ("Lương", 0.4),
    ("Mai", 0.4),
)
_SURNAME_NAMES = tuple(name for name, _ in SURNAMES)
_SURNAME_CUM = tuple(sum(w for _, w in SURNAMES[: i + 1]) for i in range(len(SURNAMES)))

MIDDLE_NAMES: Mapping[Sex, tuple[str, ...]] = MappingProxyType(
    {
        Sex.MALE: ("Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Công", "Xuân", "Ngọc", "Tiến", "Quốc"),
        Sex.FEMALE: ("Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Minh", "Hồng", "Kim", "Phương", "Bích", "Thùy"),
    }
)
GIVEN_NAMES: Mapping[Sex, tuple[str, ...]] = MappingProxyType({
    Sex.MALE: (
        "An", "Bình", "Cường", "Dũng", "Hùng", "Nam", "Quân", "Tuấn", "Hải", "Long", "Sơn", "Thắng",
        "Trung", "Việt", "Khoa", "Phúc", "Tâm", "Đạt", "Huy", "Khánh", "Hiếu", "Thành", "Lâm", "Toàn",
    ),
    Sex.FEMALE: (
        "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Phương", "Thảo", "Trang", "Yến", "Hoa", "Huyền",
        "Nga", "Nhung", "Oanh", "Thủy", "Vân", "Ngân", "Hằng", "Dung", "Tâm", "An", "Loan", "Quyên",
    ),
})  # fmt: skip

# Citizen-ID (CCCD) province prefixes of the 63 pre-2025 provinces (Circular 07/2016/TT-BCA),
# keyed by the names used in data/provinces.csv ("Huế" for Thừa Thiên Huế).
CCCD_PROVINCE_CODES: Mapping[str, str] = MappingProxyType({
    "Hà Nội": "001", "Hà Giang": "002", "Cao Bằng": "004", "Bắc Kạn": "006", "Tuyên Quang": "008",
    "Lào Cai": "010", "Điện Biên": "011", "Lai Châu": "012", "Sơn La": "014", "Yên Bái": "015",
    "Hòa Bình": "017", "Thái Nguyên": "019", "Lạng Sơn": "020", "Quảng Ninh": "022", "Bắc Giang": "024",
    "Phú Thọ": "025", "Vĩnh Phúc": "026", "Bắc Ninh": "027", "Hải Dương": "030", "Hải Phòng": "031",
    "Hưng Yên": "033", "Thái Bình": "034", "Hà Nam": "035", "Nam Định": "036", "Ninh Bình": "037",
    "Thanh Hóa": "038", "Nghệ An": "040", "Hà Tĩnh": "042", "Quảng Bình": "044", "Quảng Trị": "045",
    "Huế": "046", "Đà Nẵng": "048", "Quảng Nam": "049", "Quảng Ngãi": "051", "Bình Định": "052",
    "Phú Yên": "054", "Khánh Hòa": "056", "Ninh Thuận": "058", "Bình Thuận": "060", "Kon Tum": "062",
    "Gia Lai": "064", "Đắk Lắk": "066", "Đắk Nông": "067", "Lâm Đồng": "068", "Bình Phước": "070",
    "Tây Ninh": "072", "Bình Dương": "074", "Đồng Nai": "075", "Bà Rịa - Vũng Tàu": "077",
    "Hồ Chí Minh": "079", "Long An": "080", "Tiền Giang": "082", "Bến Tre": "083", "Trà Vinh": "084",
    "Vĩnh Long": "086", "Đồng Tháp": "087", "An Giang": "089", "Kiên Giang": "091", "Cần Thơ": "092",
    "Hậu Giang": "093", "Sóc Trăng": "094", "Bạc Liêu": "095", "Cà Mau": "096",
})  # fmt: skip

STREETS = (
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Quang Trung", "Lý Thường Kiệt",
    "Nguyễn Trãi", "Hùng Vương", "Lê Duẩn", "Phan Chu Trinh", "Phan Bội Châu", "Nguyễn Du",
    "Trần Phú", "Điện Biên Phủ", "Lê Hồng Phong", "Nguyễn Văn Cừ", "Võ Thị Sáu", "Bà Triệu",
    "Nguyễn Thị Minh Khai", "Cách Mạng Tháng Tám", "Hoàng Diệu", "Ngô Quyền", "Lê Thánh Tông",
)  # fmt: skip
WARDS = (
    "Hòa Bình", "Tân Tiến", "Thống Nhất", "Quang Trung", "Hùng Vương", "Minh Khai", "Đồng Tâm",
    "Tân An", "Phú Lợi", "An Phú", "Bình Minh", "Hưng Thịnh", "Trung Tâm", "Bắc Sơn", "Nam Thành",
    "Đông Hòa", "Tây Sơn", "Phú Cường", "Long Thạnh", "Tân Phong",
)  # fmt: skip
COMMUNES = (
    "Tân Lập", "Hợp Thành", "Đại Đồng", "Yên Phú", "Phú Xuân", "Quảng Phú", "Thanh Sơn",
    "Hồng Phong", "Xuân Hòa", "Tiên Phong", "Vĩnh Hưng", "An Thạnh", "Mỹ Hòa", "Thạnh Phú",
)  # fmt: skip
VILLAGES = ("Thôn Đông", "Thôn Trung", "Thôn Thượng", "Thôn Hạ", "Thôn Tân Lập", "Xóm Mới", "Ấp Phú Hòa", "Ấp Bình Lợi")

COMPANY_STEMS = (
    "Minh Phát", "Hưng Thịnh", "Thành Công", "Phú Gia", "Hoàng Long", "Đại Việt", "Tân Tiến",
    "An Bình", "Sao Mai", "Trường Sơn", "Việt Hưng", "Phương Đông", "Hồng Hà", "Thiên Phúc",
    "Nam Á Châu", "Bảo Minh Anh", "Kim Long", "Đông Dương", "Toàn Thắng", "Hải Âu",
)  # fmt: skip
COMPANY_SECTORS = (
    "Thương mại và Dịch vụ", "Xây dựng", "Đầu tư và Phát triển", "Vận tải", "Xuất nhập khẩu",
    "Sản xuất và Thương mại", "Bất động sản", "Công nghệ", "Nông sản", "Vật liệu xây dựng",
)  # fmt: skip
BANK_STEMS = ("Phú Thịnh", "Đông Hải", "An Khang", "Việt Tín", "Phương Nam Á", "Bắc Hà", "Sông Hồng", "Mê Kông")

# Weights of the MST (tax code) check digit over its first nine digits.
_MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """``rng.choice`` at a third of the cost (one float draw): data generation is the hot path."""
    return items[int(rng.random() * len(items))]


def between(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint(low, high)`` at a third of the cost."""
    return low + int(rng.random() * (high - low + 1))


def weighted(rng: random.Random, table: Sequence[tuple[T, float]]) -> T:
    """One value of ``(value, weight)`` pairs, as likely as its weight (one float draw)."""
    draw, acc = rng.random() * sum(w for _, w in table), 0.0
    for value, weight in table:
        acc += weight
        if draw < acc:
            return value
    return table[-1][0]


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    sex: Sex
    birth_date: date
    citizen_id: str


def pick_surname(rng: random.Random) -> str:
    return _SURNAME_NAMES[bisect_right(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]


def full_name(rng: random.Random, sex: Sex) -> str:
    return f"{pick_surname(rng)} {pick(rng, MIDDLE_NAMES[sex])} {pick(rng, GIVEN_NAMES[sex])}"


def random_sex(rng: random.Random) -> Sex:
    return Sex.MALE if rng.random() < 0.5 else Sex.FEMALE


def citizen_id(rng: random.Random, former_province: str, sex: Sex, birth_year: int) -> str:
    """A 12-digit CCCD: province (3) + sex/century (1) + birth year (2) + serial (6)."""
    prefix = CCCD_PROVINCE_CODES.get(former_province, "001")
    century = 0 if birth_year < 2000 else 2
    sex_digit = century + (1 if sex is Sex.FEMALE else 0)
    return f"{prefix}{sex_digit}{birth_year % 100:02d}{between(rng, 0, 999_999):06d}"


def person(
    rng: random.Random,
    former_province: str,
    born_between: tuple[int, int] = (1950, 2004),
    sex: Sex | None = None,
) -> Person:
    sex = sex or random_sex(rng)
    year = between(rng, born_between[0], born_between[1])
    born = date(year, between(rng, 1, 12), between(rng, 1, 28))
    return Person(full_name(rng, sex), sex, born, citizen_id(rng, former_province, sex, year))


def tax_code(rng: random.Random) -> str:
    """A 10-digit enterprise tax code whose last digit satisfies the published MST check rule."""
    while True:
        digits = [0, between(rng, 1, 9), *(between(rng, 0, 9) for _ in range(7))]
        check = 10 - sum(d * w for d, w in zip(digits, _MST_WEIGHTS, strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def company_name(rng: random.Random) -> str:
    stem = pick(rng, COMPANY_STEMS)
    form = rng.random()
    if form < 0.45:
        return f"Công ty TNHH {pick(rng, COMPANY_SECTORS)} {stem}"
    if form < 0.60:
        return f"Công ty TNHH Một thành viên {stem}"
    return f"Công ty cổ phần {pick(rng, COMPANY_SECTORS)} {stem}"


def bank_name(rng: random.Random) -> str:
    return f"Ngân hàng TMCP {pick(rng, BANK_STEMS)}"


def address(rng: random.Random, province_label: str) -> str:
    """A street address (urban) or a village address (rural) ending in ``province_label``."""
    if rng.random() < 0.6:
        number = between(rng, 1, 350)
        street = pick(rng, STREETS)
        lane = f", ngõ {between(rng, 2, 120)}" if rng.random() < 0.3 else ""
        return f"Số {number}{lane} đường {street}, phường {pick(rng, WARDS)}, {province_label}"
    return f"{pick(rng, VILLAGES)}, xã {pick(rng, COMMUNES)}, {province_label}"
