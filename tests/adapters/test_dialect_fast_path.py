"""The adapters' fast path answers exactly what the strict ``Fields`` path answers, record for record.

The strict readers are the specification. For any record, well-formed or
mangled, each adapter's translation (fast path first, strict on any doubt) must
give the same domain object, or an AgencyBadData with the same message and
record, as the strict path alone. And the fast path must really be taken for
well-formed records, or it would be a slower way of saying the same thing.
"""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Callable, Coroutine, Iterator, Mapping
from datetime import date
from typing import Any, TypeVar, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters import court, enforcement, procuracy
from adapters.court import HttpCourtAdapter, parse_judgment
from adapters.dialect import (
    CASE_STATUSES,
    CASE_TYPES,
    DECISION_KINDS,
    INSTANCES,
    OBLIGATION_KINDS,
    PARTY_KINDS,
    PARTY_ROLES,
    SEXES,
    SUPERVISION_KINDS,
    Fields,
    Unsure,
    fast_boolean,
    fast_choice,
    fast_date,
    fast_optional_date,
    fast_optional_text,
    fast_optional_vnd,
    fast_sha256,
    fast_text,
    fast_text_or_blank,
    fast_vnd,
    parse_choice,
    parse_date,
    parse_sha256,
    parse_text,
    parse_vnd,
)
from adapters.enforcement import HttpEnforcementAdapter, parse_case
from adapters.http import AgencyHttpClient
from adapters.http_adapter import HttpJudgmentAdapter
from adapters.procuracy import HttpProcuracyAdapter, parse_documents
from domain.errors import AgencyBadData
from domain.text import nfc
from domain.types import JudgmentKey
from tests.adapters.samples import COURT, NUMBER, ban_an, ho_so, nfd, van_ban

T = TypeVar("T")
KEY = JudgmentKey(COURT, NUMBER)
TABLES: tuple[Mapping[str, Any], ...] = (
    PARTY_ROLES,
    PARTY_KINDS,
    OBLIGATION_KINDS,
    CASE_TYPES,
    INSTANCES,
    CASE_STATUSES,
    DECISION_KINDS,
    SUPERVISION_KINDS,
    SEXES,
)
many = settings(max_examples=200, deadline=None)  # a loaded CI machine must not fail a test on time alone


# --- The strict path, as the adapters read records before the fast path existed ---


def strict_key_of(item: object) -> JudgmentKey | None:
    try:
        fields = Fields(item)
        return JudgmentKey(fields.text("ma_toa_an"), fields.text("so_ban_an"))
    except ValueError:
        return None


def strict_translate(item: object, where: str) -> object:
    key = strict_key_of(item)
    record = str(key) if key is not None else where
    try:
        return parse_judgment(Fields(item))
    except ValueError as error:
        return AgencyBadData("court", f"judgment {record}: {error}", record=record)


def strict_court_lookup(chunk: list[JudgmentKey], records: list[Any], absent: list[Any]) -> tuple[dict[Any, Any], int]:
    asked = set(chunk)
    found: dict[JudgmentKey, object] = {}
    for record in records:
        key = strict_key_of(record)
        if key in asked and key not in found:
            found[key] = strict_translate(record, str(key))
    not_found = {strict_key_of(item) for item in absent}
    results: dict[JudgmentKey, object] = {}
    for key in chunk:
        if key in found:
            results[key] = found[key]
        elif key in not_found:
            results[key] = None
        else:
            results[key] = AgencyBadData(
                "court", f"judgment {key}: neither returned nor listed as not found", record=str(key)
            )
    return results, sum(isinstance(r, AgencyBadData) for r in results.values())


def strict_case_judgment(item: object) -> JudgmentKey | None:
    try:
        judgment = Fields(item).nested("ban_an")
        return JudgmentKey(judgment.text("toa_an"), judgment.text("so"))
    except ValueError:
        return None


def strict_case(item: object, key: JudgmentKey) -> object:
    try:
        return parse_case(Fields(item))
    except ValueError as error:
        return AgencyBadData("enforcement", f"case for judgment {key}: {error}", record=str(key))


def strict_entry_judgment(entry: object) -> JudgmentKey | None:
    try:
        fields = Fields(entry)
        return JudgmentKey(fields.text("ma_toa"), fields.text("so_ban_an"))
    except ValueError:
        return None


def strict_documents(entry: object, key: JudgmentKey) -> object:
    try:
        return parse_documents(Fields(entry), key)
    except ValueError as error:
        return AgencyBadData("procuracy", f"supervision of judgment {key}: {error}", record=str(key))


def strict_enforcement_lookup(chunk: list[JudgmentKey], cases: list[Any]) -> tuple[dict[Any, Any], int]:
    results: dict[JudgmentKey, object] = dict.fromkeys(chunk)
    settled: set[JudgmentKey] = set()
    unplaced = 0
    for item in cases:
        key = strict_case_judgment(item)
        if key is None:
            unplaced += 1
            continue
        if key not in results or key in settled:
            continue
        settled.add(key)
        results[key] = strict_case(item, key)
    return results, sum(isinstance(r, AgencyBadData) for r in results.values()) + unplaced


def strict_procuracy_lookup(chunk: list[JudgmentKey], entries: list[Any]) -> tuple[dict[Any, Any], int]:
    results: dict[JudgmentKey, object] = dict.fromkeys(chunk, ())
    settled: set[JudgmentKey] = set()
    for entry in entries:
        key = strict_entry_judgment(entry)
        if key is None or key not in results or key in settled:
            continue
        settled.add(key)
        results[key] = strict_documents(entry, key)
    return results, sum(isinstance(r, AgencyBadData) for r in results.values())


def outcome(result: object) -> tuple[object, ...]:
    """What a caller can tell apart: the error's words, or the value with its exact types (StrEnum == str!)."""
    if isinstance(result, AgencyBadData):
        return ("AgencyBadData", result.agency, result.message, result.record)
    return ("value", repr(result), result)


# --- Well-formed dialect records ---

WORDS = [
    "Nguyễn",
    "Văn",
    "Thị",
    "Tòa án nhân dân",
    "khu vực 1",
    "Hà Nội",
    "Công ty TNHH Minh Phát",
    "Trả nợ gốc và lãi",
    "Số 12 phố Hàng Bạc",
    "12/KN-VKS",
    "court.ha-noi.kv01",
    "125/2026/HNGĐ-ST",
]


def has_text(text: str) -> bool:
    return bool(nfc(text).strip())


texts = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
    st.text(min_size=1, max_size=12),
).filter(has_text)
sent_texts = texts.flatmap(lambda text: st.sampled_from([text, nfd(text)]))  # not all agencies send NFC
any_texts = st.one_of(sent_texts, st.sampled_from(["", " ", "\t"]))
optional_texts = st.one_of(st.none(), st.sampled_from(["", "  "]), sent_texts)
dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31))
amounts = st.integers(min_value=0, max_value=10**15).map(lambda n: f"{n:,}".replace(",", "."))
digests = st.text("0123456789abcdefABCDEF", min_size=64, max_size=64)


def day(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def labels(table: Mapping[str, Any]) -> st.SearchStrategy[str]:
    """A label as agencies send it: mostly as written, sometimes in NFD or with outer spaces."""
    return st.sampled_from(list(table)).flatmap(lambda label: st.sampled_from([label, label, nfd(label), f" {label} "]))


def objects_or_nothing(items: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[list[dict[str, Any]] | None]:
    return st.one_of(st.lists(items, max_size=3), st.none())


parties = st.fixed_dictionaries(
    {
        "ho_ten": sent_texts,
        "tu_cach": labels(PARTY_ROLES),
        "loai": labels(PARTY_KINDS),
        "dia_chi": any_texts,
    },
    optional={"so_cccd": optional_texts, "ma_so_thue": optional_texts},
)
obligations = st.fixed_dictionaries(
    {
        "loai": labels(OBLIGATION_KINDS),
        "noi_dung": any_texts,
        "chu_dong": st.booleans(),
    },
    optional={"so_tien": st.one_of(st.none(), amounts), "nguoi_duoc_nhan": optional_texts},
)


@st.composite
def judgments(draw: st.DrawFn) -> dict[str, Any]:
    adjudicated, effective = sorted([draw(dates), draw(dates)])
    record = {
        "ma_toa_an": draw(sent_texts),
        "so_ban_an": draw(sent_texts),
        "ten_toa_an": draw(sent_texts),
        "loai_vu_viec": draw(labels(CASE_TYPES)),
        "cap_xet_xu": draw(labels(INSTANCES)),
        "ngay_tuyen_an": day(adjudicated),
        "ngay_hieu_luc": day(effective),
        "tham_phan": draw(sent_texts),
        "trich_yeu": draw(any_texts),
        "tai_lieu": {"sha256": draw(digests), "ten_tep": draw(sent_texts)},
    }
    for name, items in (("duong_su", parties), ("nghia_vu", obligations)):
        if draw(st.integers(0, 5)):  # now and then the list is left out
            record[name] = draw(objects_or_nothing(items))
    return record


decisions = st.fixed_dictionaries(
    {
        "so": sent_texts,
        "ngay": dates.map(day),
        "hinh_thuc": labels(DECISION_KINDS),
        "chap_hanh_vien": sent_texts,
    }
)
cases = st.fixed_dictionaries(
    {
        "so_thu_ly": sent_texts,
        "ban_an": st.fixed_dictionaries({"toa_an": sent_texts, "so": sent_texts}),
        "co_quan_thi_hanh": sent_texts,
        "ngay_thu_ly": dates.map(day),
        "trang_thai": labels(CASE_STATUSES),
        "tien": st.fixed_dictionaries({"phai_thi_hanh": amounts, "da_thi_hanh": amounts}),
    },
    optional={"phong_thi_hanh": optional_texts, "quyet_dinh": objects_or_nothing(decisions)},
)


@st.composite
def entries(draw: st.DrawFn, judgment: st.SearchStrategy[tuple[str, str]] | None = None) -> dict[str, Any]:
    """A procuracy answer entry; its documents name its judgment, say nothing of it, or (rarely) name another."""
    court_code, number = draw(judgment if judgment is not None else st.tuples(sent_texts, sent_texts))
    documents = []
    for _ in range(draw(st.integers(0, 3))):
        document = {
            "so_van_ban": draw(sent_texts),
            "vien_kiem_sat": draw(sent_texts),
            "loai": draw(labels(SUPERVISION_KINDS)),
            "ngay_ban_hanh": day(draw(dates)),
            "noi_dung": draw(any_texts),
            "han_tra_loi": draw(st.one_of(st.none(), dates.map(day))),
            "ngay_tra_loi": draw(st.one_of(st.none(), dates.map(day))),
        }
        for name, own in (("ma_toa", court_code), ("so_ban_an", number)):
            choice = draw(st.integers(0, 9))
            if choice < 6:
                document[name] = draw(st.sampled_from([own, nfd(own)]))
            elif choice < 8:
                document[name] = draw(st.sampled_from([None, "", " "]))
            elif choice < 9:
                document[name] = draw(sent_texts)
        documents.append(document)
    entry: dict[str, Any] = {"ma_toa": court_code, "so_ban_an": number}
    if draw(st.integers(0, 5)):
        entry["van_ban"] = documents if documents or draw(st.booleans()) else None
    return entry


# --- Mangled records: any field of a well-formed one removed or replaced by something odd ---

ODD_VALUES: list[object] = [
    None,
    0,
    1,
    -5,
    1.5,
    1250000,
    True,
    False,
    [],
    {},
    "",
    "  ",
    "31/02/2026",
    "29/02/2025",
    "2026-03-05",
    " 05/03/2026 ",
    "05/03/2026\n",
    "5/3/2026",
    "05/03/26",
    "05/03/2026x",
    "٠٥/٠٣/٢٠٢٦",  # Arabic-Indic digits: \d and int() read them
    "1.25",
    "-5",
    "-1.000",
    "1250000",
    "01.000",
    "0.000",
    "0",
    " 1.000 ",
    "1.250,50",
    "12.50.000",
    "١.٠٠٠",
    "+1.000",
    "1_000",
    "AB" * 32,
    "0x" + "a" * 62,
    "bị đơn",
    nfd("người phải thi hành án"),
    " tổ chức ",
    "Nguyễn Văn An",
    nfd("Nguyễn Văn An"),
]


def odd_versions(value: object) -> st.SearchStrategy[object]:
    derived: list[object] = [[value], {"x": value}]
    if isinstance(value, str):
        derived += [nfd(value), f" {value} ", f"{value} ", value.upper(), value[:-1], value + "0", "-" + value]
    elif isinstance(value, bool):
        derived += [int(value), str(value).lower()]
    return st.one_of(st.sampled_from(ODD_VALUES + derived), st.text(max_size=6))


def places(value: object, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON value, the value itself first."""
    yield path
    if isinstance(value, dict):
        for name, item in value.items():
            yield from places(item, (*path, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from places(item, (*path, index))


@st.composite
def mangled(draw: st.DrawFn, records: st.SearchStrategy[Any]) -> Any:
    record = copy.deepcopy(draw(records))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(places(record))))
        if not path:
            record = draw(odd_versions(record))
            continue
        parent = record
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(odd_versions(parent[path[-1]]))
    return record


# --- The tests ---


def test_every_label_table_holds_nfc_labels_without_outer_spaces() -> None:
    """fast_choice tries the label as sent before normalising it, which is only right for such tables."""
    for table in TABLES:
        for label in table:
            assert label == nfc(label).strip()


class TestTheFastPathIsTakenForPlainRecords:
    @given(judgments())
    @settings(deadline=None)
    def test_judgments(self, record: dict[str, Any]) -> None:
        key = JudgmentKey(*court._fast_pair(record))
        assert court._fast_judgment(record, key) == parse_judgment(Fields(record))

    @given(cases)
    @settings(deadline=None)
    def test_cases(self, record: dict[str, Any]) -> None:
        key = JudgmentKey(*enforcement._fast_judgment_of(record))
        assert enforcement._fast_case(record, key) == parse_case(Fields(record))

    @given(entries())
    @settings(deadline=None)
    def test_documents_filed_under_their_judgment(self, entry: dict[str, Any]) -> None:
        key = strict_entry_judgment(entry)
        assert key is not None
        expected = strict_documents(entry, key)
        if isinstance(expected, AgencyBadData):  # a document filed under another judgment: for the strict path
            with pytest.raises(Unsure):
                [procuracy._fast_document(document, key) for document in entry.get("van_ban") or []]
        else:
            assert tuple(procuracy._fast_document(document, key) for document in entry.get("van_ban") or []) == expected

    def test_the_canned_samples_with_their_nfd_texts(self) -> None:
        assert court._fast_judgment(ban_an(), KEY) == parse_judgment(Fields(ban_an()))
        assert enforcement._fast_case(ho_so(), KEY) == parse_case(Fields(ho_so()))
        assert procuracy._fast_document(van_ban(), KEY) == parse_documents(Fields({"van_ban": [van_ban()]}), KEY)[0]


class TestCourtJudgments:
    @given(st.one_of(judgments(), mangled(judgments())))
    @many
    def test_translate_answers_as_the_strict_path(self, item: Any) -> None:
        assert outcome(court._translate(item, "page 2 item 7")) == outcome(strict_translate(item, "page 2 item 7"))

    @given(st.one_of(judgments(), mangled(judgments())))
    @many
    def test_a_record_of_a_known_key_answers_as_the_strict_path(self, item: Any) -> None:
        key = strict_key_of(item)
        assert court._pair_of(item) == (None if key is None else (key.court_code, key.number))
        if key is not None:
            assert outcome(court._translate_keyed(item, key)) == outcome(strict_translate(item, str(key)))

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"ngay_tuyen_an": "31/02/2026"}, "ngay_tuyen_an: no such day: '31/02/2026'"),
            ({"ngay_hieu_luc": "2026-04-12"}, "ngay_hieu_luc: not a dd/mm/yyyy date: '2026-04-12'"),
            ({"ngay_hieu_luc": "11/03/2026"}, "ngay_hieu_luc: 11/03/2026 is before ngay_tuyen_an 12/03/2026"),
            ({"tai_lieu": {"sha256": "xyz", "ten_tep": "a.pdf"}}, "tai_lieu.sha256: not a SHA-256 hex digest: 'xyz'"),
            ({"tham_phan": "  "}, "tham_phan: empty text"),
            (
                {"loai_vu_viec": "DSX"},
                "loai_vu_viec: unknown value 'DSX' (expected one of: DS, HNGĐ, KDTM, LĐ, HC, HS)",
            ),
        ],
    )
    def test_a_malformed_field_is_named_as_before(self, change: dict[str, Any], message: str) -> None:
        bad = court._translate(ban_an(**change), "page 1 item 0")
        assert isinstance(bad, AgencyBadData)
        assert bad.message == f"court: judgment {KEY}: {message}"
        assert bad.record == str(KEY)

    def test_a_malformed_amount_deep_in_a_list_is_named_as_before(self) -> None:
        record = ban_an()
        record["nghia_vu"][1]["so_tien"] = "1.25"
        bad = court._translate(record, "page 1 item 0")
        assert isinstance(bad, AgencyBadData)
        assert bad.message == (
            f"court: judgment {KEY}: nghia_vu[1].so_tien: not a VND amount with '.' thousands separators: '1.25'"
        )

    def test_what_the_strict_path_allows_but_the_fast_path_leaves_to_it_still_reads(self) -> None:
        """Outer spaces around a date are too rare to read quickly; the record still reads, by the strict path."""
        record = ban_an(ngay_tuyen_an=" 12/03/2026 ", cap_xet_xu=" ST ")
        with pytest.raises(Unsure):
            court._fast_judgment(record, KEY)
        assert court._translate(record, "page 1 item 0") == parse_judgment(Fields(record))

    def test_a_record_without_a_readable_key_is_named_by_its_place(self) -> None:
        bad = court._translate(ban_an(ma_toa_an=None), "page 3 item 4")
        assert isinstance(bad, AgencyBadData)
        assert bad.record == "page 3 item 4"
        assert bad.message == "court: judgment page 3 item 4: ma_toa_an: expected a string, got None"


class _AnswerOnce:
    """The smallest client double ``_lookup`` needs: it answers one JSON value and counts bad records."""

    status = None

    def __init__(self, agency: str, answer: object) -> None:
        self.agency = agency
        self.answer = answer
        self.tracker = self
        self.bad = 0

    async def post_json(self, path: str, body: Mapping[str, Any], *, safe: bool) -> object:
        return self.answer

    def count_bad_records(self, count: int) -> None:
        self.bad += count


def run_now(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never waits (its client double answers at once), without an event loop per example."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return cast(T, done.value)
    raise AssertionError("the coroutine waited for something")


def looked_up(
    adapter_class: type[HttpJudgmentAdapter[Any]], chunk: list[JudgmentKey], answer: object
) -> tuple[list[JudgmentKey], list[tuple[object, ...]], int]:
    """What the adapter makes of ``answer`` to ``chunk``: the keys in order, each one's outcome, the bad-record count."""
    client = _AnswerOnce(adapter_class.agency, answer)
    adapter = adapter_class.from_client(cast(AgencyHttpClient, client))
    results = run_now(adapter._lookup(chunk))
    return list(results), [outcome(r) for r in results.values()], client.bad


def as_looked_up(results: dict[Any, Any], bad: int) -> tuple[list[JudgmentKey], list[tuple[object, ...]], int]:
    return list(results), [outcome(r) for r in results.values()], bad


KEY_POOL = [
    JudgmentKey(court_code, number)
    for court_code in ("court.ha-noi.kv01", "Tòa Hà Nội")
    for number in ("1/2026/DS-ST", "2/2026/HNGĐ-ST", "Số 3/2026")
]
chunks = st.lists(st.sampled_from(KEY_POOL), min_size=1, max_size=5, unique=True)


def sent_key(key: JudgmentKey) -> st.SearchStrategy[tuple[str, str]]:
    return st.sampled_from([(key.court_code, key.number), (nfd(key.court_code), nfd(key.number))])


sent_keys = st.sampled_from(KEY_POOL).flatmap(sent_key)


def sometimes_mangled(draw: st.DrawFn, record: Any) -> Any:
    return draw(mangled(st.just(record))) if draw(st.integers(0, 3)) == 0 else record


@st.composite
def court_answers(draw: st.DrawFn) -> dict[str, Any]:
    """Records (some doubled, some not asked for, some mangled) and not-found entries, about keys of the pool."""
    records: list[Any] = []
    for court_code, number in draw(st.lists(sent_keys, max_size=7)):
        records.append(sometimes_mangled(draw, draw(judgments()) | {"ma_toa_an": court_code, "so_ban_an": number}))
    absent = [
        sometimes_mangled(draw, {"ma_toa_an": court_code, "so_ban_an": number})
        for court_code, number in draw(st.lists(sent_keys, max_size=4))
    ]
    return {"ket_qua": records, "khong_tim_thay": absent}


@st.composite
def enforcement_answers(draw: st.DrawFn) -> dict[str, Any]:
    found = []
    for court_code, number in draw(st.lists(sent_keys, max_size=7)):
        found.append(sometimes_mangled(draw, draw(cases) | {"ban_an": {"toa_an": court_code, "so": number}}))
    return {"ho_so": found}


@st.composite
def procuracy_answers(draw: st.DrawFn) -> dict[str, Any]:
    found = [sometimes_mangled(draw, entry) for entry in draw(st.lists(entries(sent_keys), max_size=7))]
    return {"ket_qua": found}


class TestBatches:
    """A whole answer: every key asked gets the strict path's answer, and the bad records are counted alike."""

    @given(chunks, court_answers())
    @many
    def test_a_court_answer(self, chunk: list[JudgmentKey], answer: dict[str, Any]) -> None:
        expected = strict_court_lookup(chunk, answer["ket_qua"], answer["khong_tim_thay"])
        assert looked_up(HttpCourtAdapter, chunk, answer) == as_looked_up(*expected)

    @given(chunks, enforcement_answers())
    @many
    def test_an_enforcement_answer(self, chunk: list[JudgmentKey], answer: dict[str, Any]) -> None:
        expected = strict_enforcement_lookup(chunk, answer["ho_so"])
        assert looked_up(HttpEnforcementAdapter, chunk, answer) == as_looked_up(*expected)

    @given(chunks, procuracy_answers())
    @many
    def test_a_procuracy_answer(self, chunk: list[JudgmentKey], answer: dict[str, Any]) -> None:
        expected = strict_procuracy_lookup(chunk, answer["ket_qua"])
        assert looked_up(HttpProcuracyAdapter, chunk, answer) == as_looked_up(*expected)


class TestEnforcementCases:
    @given(st.one_of(cases, mangled(cases)))
    @many
    def test_a_case_answers_as_the_strict_path(self, item: Any) -> None:
        key = strict_case_judgment(item)
        assert enforcement._judgment_of(item) == (None if key is None else (key.court_code, key.number))
        if key is not None:
            assert outcome(enforcement._case_of(item, key)) == outcome(strict_case(item, key))

    def test_a_malformed_field_is_named_as_before(self) -> None:
        bad = enforcement._case_of(ho_so(tien={"phai_thi_hanh": "-5", "da_thi_hanh": "0"}), KEY)
        assert isinstance(bad, AgencyBadData)
        assert bad.message == f"enforcement: case for judgment {KEY}: tien.phai_thi_hanh: negative amount: '-5'"


class TestProcuracyDocuments:
    @given(st.one_of(entries(), mangled(entries())))
    @many
    def test_an_entry_answers_as_the_strict_path(self, entry: Any) -> None:
        key = strict_entry_judgment(entry)
        assert procuracy._judgment_of(entry) == (None if key is None else (key.court_code, key.number))
        if key is not None:
            assert outcome(procuracy._documents_of(entry, key)) == outcome(strict_documents(entry, key))

    def test_a_document_filed_under_another_judgment_is_refused_as_before(self) -> None:
        entry = {"ma_toa": COURT, "so_ban_an": NUMBER, "van_ban": [van_ban(number="9/2026/DS-ST")]}
        bad = procuracy._documents_of(entry, KEY)
        assert isinstance(bad, AgencyBadData)
        assert bad.message == (
            f"procuracy: supervision of judgment {KEY}: document 12/KN-VKS: filed under judgment {COURT}:9/2026/DS-ST"
        )


# --- The scalar readers, one value at a time ---

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)),
    lambda children: st.one_of(
        st.lists(children, max_size=2), st.dictionaries(st.text(max_size=3), children, max_size=2)
    ),
    max_leaves=3,
)
scalars = st.one_of(
    json_values,
    st.sampled_from(ODD_VALUES),
    sent_texts,
    dates.map(day),
    amounts,
    digests,
    *(labels(table) for table in TABLES),
)


def strictly(read: Callable[[object], object], value: object) -> tuple[str, object]:
    try:
        return ("value", read(value))
    except ValueError as error:
        return ("error", str(error))


def optionally(read: Callable[[Fields, str], object]) -> Callable[[object], object]:
    return lambda value: read(Fields({"f": value}), "f")


READERS: list[tuple[Callable[[object], object], Callable[[object], object]]] = [
    (fast_text, parse_text),
    (fast_text_or_blank, lambda value: parse_text(value, blank_ok=True)),
    (fast_optional_text, optionally(Fields.optional_text)),
    (fast_boolean, optionally(Fields.boolean)),
    (fast_date, parse_date),
    (fast_optional_date, optionally(Fields.optional_date)),
    (fast_vnd, parse_vnd),
    (fast_optional_vnd, optionally(Fields.optional_vnd)),
    (fast_sha256, parse_sha256),
    *(
        (lambda value, t=table: fast_choice(value, t), lambda value, t=table: parse_choice(value, t))
        for table in TABLES
    ),
]


@given(scalars)
@settings(max_examples=300, deadline=None)
def test_a_fast_reader_answers_what_the_strict_one_does_or_leaves_it_to_it(value: object) -> None:
    for fast, strict in READERS:
        try:
            answer = fast(value)
        except Unsure:
            continue
        assert strictly(strict, value) == ("value", answer)
        assert type(answer) is type(strict(value))


@pytest.mark.parametrize(
    ("read", "value", "expected"),
    [
        (fast_text, nfd("Nguyễn Văn An"), "Nguyễn Văn An"),
        (fast_optional_text, "  ", None),
        (fast_date, "29/02/2028", date(2028, 2, 29)),
        (fast_vnd, "0", 0),
        (fast_vnd, "351.250.000", 351_250_000),
        (fast_sha256, "AB" * 32, "ab" * 32),
        (
            lambda value: fast_choice(value, PARTY_ROLES),
            nfd(" người phải thi hành án "),
            PARTY_ROLES["người phải thi hành án"],
        ),
    ],
)
def test_a_fast_reader_reads_what_agencies_send(
    read: Callable[[object], object], value: object, expected: object
) -> None:
    assert read(value) == expected


@pytest.mark.parametrize("value", ["31/02/2026", "2026-03-05", "1.25", "-5", "1250000", "01.000", None])
def test_a_fast_reader_leaves_anything_malformed_to_the_strict_one(value: object) -> None:
    for read in (fast_date, fast_vnd):
        with pytest.raises(Unsure):
            read(value)


def test_unicode_normalisation_is_what_the_strict_path_uses() -> None:
    text = nfd("Tòa án nhân dân")
    assert fast_text(text) == unicodedata.normalize("NFC", text) == parse_text(text)
