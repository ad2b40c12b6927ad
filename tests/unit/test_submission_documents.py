"""The documents of a submission (Art. 28(4)): their place in the signed bytes, read back, and the list's rules."""

from dataclasses import replace
from datetime import date

import orjson
import pytest

from domain.submission import (
    MAX_DOCUMENTS,
    DocumentKind,
    Submission,
    SubmissionErrorCode,
    SubmittedDocument,
    arrange_documents,
)
from tests.support.court_client import sample_submission

RECORD = SubmittedDocument(DocumentKind.SEIZURE_RECORD, "bien-ban-ke-bien.pdf", "a" * 64)
OTHER = SubmittedDocument(DocumentKind.OTHER, "quyet-dinh-ap-dung-bptt.pdf", "b" * 64)


@pytest.fixture
def good() -> Submission:
    return sample_submission("court.ha-noi.kv01", serial=125, effective_on=date(2026, 11, 10))


def test_a_judgment_alone_signs_without_attachments_as_before(good):
    assert "attachments" not in orjson.loads(good.signed_bytes())
    assert good.documents == (SubmittedDocument(DocumentKind.JUDGMENT, good.document_name, good.document_sha256),)


def test_attachments_are_signed_in_the_courts_order_and_read_back(good):
    with_records = replace(good, attachments=(RECORD, OTHER))
    signed = orjson.loads(with_records.signed_bytes())
    assert signed["attachments"] == [
        {"kind": "SEIZURE_RECORD", "name": RECORD.name, "sha256": RECORD.sha256},
        {"kind": "OTHER", "name": OTHER.name, "sha256": OTHER.sha256},
    ]
    assert signed["document"] == {"name": good.document_name, "sha256": good.document_sha256}
    back = Submission.from_signed(signed)
    assert back == with_records
    assert back.signed_bytes() == with_records.signed_bytes()
    assert replace(good, attachments=(OTHER, RECORD)).signed_bytes() != with_records.signed_bytes()


def test_the_judgment_may_come_anywhere_in_the_list_and_the_others_keep_their_order():
    judgment = SubmittedDocument(DocumentKind.JUDGMENT, "ban-an.pdf", "c" * 64)
    found, others, errors = arrange_documents(
        [("documents[0]", OTHER), ("documents[1]", judgment), ("documents[2]", RECORD)]
    )
    assert (found, others, errors) == (judgment, (OTHER, RECORD), [])


@pytest.mark.parametrize(
    ("documents", "expected"),
    [
        pytest.param([], [("documents", SubmissionErrorCode.NO_JUDGMENT_DOCUMENT)], id="none"),
        pytest.param(
            [("documents[0]", RECORD)], [("documents", SubmissionErrorCode.NO_JUDGMENT_DOCUMENT)], id="no-judgment"
        ),
        pytest.param(
            [
                ("documents[0]", replace(RECORD, kind=DocumentKind.JUDGMENT)),
                ("documents[1]", replace(OTHER, kind=DocumentKind.JUDGMENT)),
            ],
            [("documents[1].kind", SubmissionErrorCode.INVALID)],
            id="two-judgments",
        ),
        pytest.param(
            [("document", replace(RECORD, kind=DocumentKind.JUDGMENT, sha256="ABC"))],
            [("document.sha256", SubmissionErrorCode.INVALID)],
            id="malformed-hash",
        ),
        pytest.param(
            [("documents[0]", replace(RECORD, kind=DocumentKind.JUDGMENT)), ("documents[1]", RECORD)],
            [("documents[1].sha256", SubmissionErrorCode.INVALID)],
            id="same-document-twice",
        ),
        pytest.param(
            [("documents[0]", replace(RECORD, kind=DocumentKind.JUDGMENT, name=" "))],
            [("documents[0].name", SubmissionErrorCode.INVALID)],
            id="blank-name",
        ),
    ],
)
def test_a_wrong_list_is_refused_naming_where(documents, expected):
    _, _, errors = arrange_documents(documents)
    assert [(e.field, e.code) for e in errors] == expected


def test_the_bound_counts_every_document():
    judgment = ("documents[0]", replace(RECORD, kind=DocumentKind.JUDGMENT, sha256="0" * 64))
    records = [(f"documents[{n}]", replace(RECORD, sha256=f"{n:064x}")) for n in range(1, MAX_DOCUMENTS + 1)]
    assert arrange_documents([judgment, *records[: MAX_DOCUMENTS - 1]])[2] == []
    _, _, errors = arrange_documents([judgment, *records])
    assert [e.code for e in errors] == [SubmissionErrorCode.TOO_MANY_DOCUMENTS]
