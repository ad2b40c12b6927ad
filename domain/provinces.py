"""A province argument as people write it: the slug, the name, the official name or the administrative-unit code.

``committeeReport(province: "Hà Nội")`` used to answer FORBIDDEN to Hà Nội's own committee (the
code ``ha-noi`` was expected), ``personnelAlerts`` said "unknown province" and ``agencies``
silently matched nothing. Every argument named ``province`` now goes through
:func:`resolve_province`, which accepts

- the slug of ``data/provinces.csv`` (``ha-noi``, also ``ha noi``),
- the name with or without diacritics, in any case (``Hà Nội``, ``ha noi``, ``HÀ NỘI``),
- the official name, with "thành phố" / "tỉnh" / "TP" in front (``Thành phố Hà Nội``,
  ``TP Hồ Chí Minh``, ``tỉnh Sơn La``),
- the administrative-unit code (mã đơn vị hành chính: ``01``, ``79``; ``1`` as ``01``),

and answers the slug. Anything else is BAD_USER_INPUT naming the closest provinces, never a
refusal or an empty answer.

The directory is derived from the organisation (``Agency`` rows: each current province has its
provincial steering committee ``committee.<slug>`` named "Ban Chỉ đạo thi hành án dân sự <official
name>", carrying the province's administrative-unit code), so it is the same data the access
checks read, with no second copy of ``data/provinces.csv``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from domain.errors import BadInput
from domain.messages import msg
from domain.text import fold
from domain.types import Agency, AgencyKind, AgencyLevel

MAX_PROVINCE_TEXT = 100  # longer than any official name: a mistake, not a province
COMMITTEE_PREFIX = "Ban Chỉ đạo thi hành án dân sự "
# what people put before a province's name: "thành phố", "TP", "TP.", "tỉnh" (folded)
_UNIT_WORDS = re.compile(r"^(thanh pho|tp\.?|tinh)\s*")
_SEPARATORS = re.compile(r"[-_.,]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ProvinceName:
    """One current province: its slug, its official name (``thành phố Hà Nội``) and code (``01``)."""

    code: str
    official_name: str
    unit_code: str | None
    keys: tuple[str, ...] = field(init=False, repr=False, compare=False)  # how it is compared, worked out once

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", (_key(self.code), _key(self.official_name), _key(self.name)))

    @property
    def name(self) -> str:
        """The name without "thành phố" / "tỉnh": ``Hà Nội``, ``Hồ Chí Minh``."""
        folded = fold(self.official_name)
        for word in ("thanh pho ", "tinh "):
            if folded.startswith(word):
                return self.official_name[len(word) :]
        return self.official_name


class UnknownProvince(BadInput):
    """BAD_USER_INPUT for a province that none of the ways of writing it names, with the closest ones."""

    def __init__(self, given: str, suggestions: tuple[ProvinceName, ...]) -> None:
        named = ", ".join(f"{p.name} ({p.code})" for p in suggestions)
        hint = msg("; did you mean {provinces}?", provinces=named) if suggestions else "."
        super().__init__(
            msg(
                "unknown province {given}{hint} A province is written as its code (ha-noi), its name "
                "(Hà Nội, with or without diacritics) or its administrative-unit code (01)",
                given=repr(given),
                hint=hint,
            )
        )
        self.suggestions = tuple(p.code for p in suggestions)

    def extensions(self) -> dict[str, str]:
        ext = {**super().extensions(), "field": "province"}
        if self.suggestions:
            ext["suggestions"] = ",".join(self.suggestions)
        return ext


def province_names(agencies: Iterable[Agency]) -> tuple[ProvinceName, ...]:
    """The current provinces, from their steering committees (see the module's docstring), by slug."""
    found = []
    for a in agencies:
        if (
            a.kind is AgencyKind.COMMITTEE
            and a.level is AgencyLevel.PROVINCIAL
            and a.province_code
            and a.valid_to is None
        ):
            official = a.name[len(COMMITTEE_PREFIX) :] if a.name.startswith(COMMITTEE_PREFIX) else a.province_code
            found.append(ProvinceName(a.province_code, official, a.administrative_unit_code))
    return tuple(sorted(found, key=lambda p: p.code))


def _key(text: str) -> str:
    """How a province is compared: folded (no case, no diacritics), separators as spaces."""
    return _SPACES.sub(" ", _SEPARATORS.sub(" ", fold(text))).strip()


def resolve_province(text: str, provinces: Iterable[ProvinceName]) -> str:
    """The slug of the province ``text`` names (see the module's docstring); :class:`UnknownProvince` otherwise."""
    known = tuple(provinces)
    given = text.strip()
    if not given or len(given) > MAX_PROVINCE_TEXT:
        raise BadInput(msg("province must be 1..{limit} characters", limit=MAX_PROVINCE_TEXT))
    if given.isdigit():
        for p in known:
            if p.unit_code is not None and int(p.unit_code) == int(given):
                return p.code
        raise UnknownProvince(given, ())
    key = _key(given)
    bare = _UNIT_WORDS.sub("", key, count=1)
    for p in known:
        if key in p.keys or bare in p.keys:
            return p.code
    raise UnknownProvince(given, closest(bare or key, known))


def closest(key: str, provinces: tuple[ProvinceName, ...], n: int = 3) -> tuple[ProvinceName, ...]:
    """Up to ``n`` provinces whose slug or name is closest to ``key`` (difflib), best first."""
    by_key: dict[str, ProvinceName] = {}
    for p in provinces:
        for k in p.keys:
            by_key.setdefault(k, p)
    chosen: list[ProvinceName] = []
    for k in difflib.get_close_matches(key, list(by_key), n=3 * n, cutoff=0.6):
        if by_key[k] not in chosen:
            chosen.append(by_key[k])
    return tuple(chosen[:n])


def province_slug(text: str | None, provinces: Iterable[ProvinceName]) -> str | None:
    """:func:`resolve_province` over the organisation's ``provinces`` (:func:`province_names`, worked out once per
    process: ``AccessPolicy.provinces``); ``None`` stays ``None`` (no province given)."""
    if text is None:
        return None
    return resolve_province(text, provinces)
