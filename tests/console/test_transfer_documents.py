"""The office's transfer page lists the documents the court sent (Art. 28(4)): kind, file name and hash, in order.

Runs on SQLite and on PostgreSQL (the ``hub`` fixture).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from domain.access import Role
from domain.submission import DocumentKind, SubmittedDocument
from gateway import commands
from tests.fixtures.hub import Hub
from tests.support.console import signed_in
from tests.support.court_client import SUBMIT, CourtSigner, document

COURT = "court.ha-noi.kv03"
OFFICE = "enforcement.ha-noi.kv03"


async def test_the_transfer_page_lists_the_judgment_and_its_seizure_records_in_order(hub: Hub) -> None:
    signer = CourtSigner.new(COURT)
    await commands.keys_add(hub.settings, signer.court, signer.public_key)
    records = tuple(
        SubmittedDocument(DocumentKind.SEIZURE_RECORD, f"bien-ban-ke-bien-{n}.pdf", document(f"Biên bản {n}")[0])
        for n in (1, 2)
    )
    submission = replace(signer.submission(), attachments=records)
    court = hub.client(hub.token(COURT, [Role.COURT_CLERK]))
    payload = (await court(SUBMIT, signer.signed_variables(submission))).data["submitJudgment"]
    assert payload["userErrors"] == []
    clerk = await signed_in(hub, "console.transfer-documents.clerk", OFFICE, (Role.ENFORCEMENT_CLERK,))

    answer = await hub.http.get(f"/hop-thu/{payload['transfer']['id']}", headers=clerk)

    assert answer.status_code == 200
    block = re.search(r'<section aria-labelledby="tai-lieu">(.*?)</section>', answer.text, re.S)
    assert block is not None
    rows = [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", block.group(1), re.S)
        if "<td>" in row
    ]
    assert rows == [
        ["1", "Bản án, quyết định", submission.document_name, submission.document_sha256],
        *(
            [str(n), "Biên bản kê biên, tạm giữ tài sản, giấy tờ", d.name, d.sha256]
            for n, d in enumerate(records, start=2)
        ),
    ]
