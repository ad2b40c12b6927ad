"""The hostile requests the hub must refuse, defined once: the hostile-query tests check how each is
refused, the refusal benchmark (``python -m bench refusals``) measures what each refusal costs.

Each :class:`Hostile` is a whole HTTP request to ``/graphql`` — its body as the chunks a client
sends, its headers, whether it declares its length — and the refusal the hub answers with its
default limits (docs/operations.md): the status and the ``extensions.code`` of the first error.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field

import orjson

ME = "{ me { agencyCode } }"
ALIASES_1000 = "{ " + " ".join(f"a{i}: me {{ agencyCode }}" for i in range(1000)) + " }"
ALIASES_60 = "{ " + " ".join(f"a{i}: me {{ agencyCode }}" for i in range(60)) + " }"
NESTED_100 = '{ agency(code: "court.ha-noi.kv01") { ' + "parent { " * 100 + "code" + " }" * 100 + " } }"
DIRECTIVES_10000 = "{ me { " + "agencyCode @include(if: true) " * 10_000 + "} }"
DIRECTIVES_51 = "{ me { " + "agencyCode @include(if: true) " * 51 + "} }"
FIELDS_6000 = "{ me { " + "agencyCode " * 6000 + "} }"  # no alias, no directive: tokens alone
# the word makes the view look for a subscription over HTTP, which must not mean parsing it
FIELDS_6000_SUBSCRIPTION = "# subscription\n" + FIELDS_6000
VARIABLES_2000 = "query (" + " ".join(f"$v{i}: Int" for i in range(2000)) + ") { me { agencyCode } }"
COSTLY = "{ judgments(first: 100000) { edges { node { id } } } }"  # 1 + 1 + 100000 × 2
COSTLY_COST = 200_002
# 30 fragments, each spreading the next twice: 300 tokens that expand to 2³¹ fields (a validation bomb)
FRAGMENT_BOMB = (
    "{ ...f0 } "
    + " ".join(f"fragment f{i} on Query {{ ...f{i + 1} ...f{i + 1} }}" for i in range(30))
    + " fragment f30 on Query { me { agencyCode } }"
)
FRAGMENT_CYCLE = "{ ...a } fragment a on Query { me { agencyCode } ...b } fragment b on Query { ...a }"


@dataclass(frozen=True)
class Hostile:
    """One hostile request and how the hub refuses it."""

    name: str
    chunks: tuple[bytes, ...]
    status: int
    code: str | None  # None: answered without an error (a reference, not a refusal)
    headers: tuple[tuple[str, str], ...] = ()
    declares_length: bool = True  # False: sent chunked, its length unknown until it ends
    what: str = field(default="", compare=False)

    @property
    def size(self) -> int:
        return sum(len(chunk) for chunk in self.chunks)


def document(name: str, query: str, what: str, code: str = "QUERY_TOO_COMPLEX") -> Hostile:
    return Hostile(name, (orjson.dumps({"query": query}),), 200, code, what=what)


def gzip_bomb(inflated_mib: int) -> bytes:
    """``inflated_mib`` MiB of zeros gzipped (1 GiB → about 1 MB), compressed a MiB at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    parts = [packer.compress(zeros) for _ in range(inflated_mib)]
    parts.append(packer.flush())
    return b"".join(parts)


def hostile_requests(bomb: bytes) -> tuple[Hostile, ...]:
    """Every hostile shape of the suite, the gzip bomb given (it takes a second or two to make)."""
    padded = orjson.dumps({"query": ME, "variables": {"pad": "x" * 10_000_000}})
    chunked = (b'{"query": "{ me { agencyCode } }", "variables": {"pad": "', *(b"x" * 1_000_000,) * 10, b'"}}')
    gzip_json = (("Content-Encoding", "gzip"),)
    return (
        document("aliases-1000", ALIASES_1000, "1,000 aliased fields (over the token bound first)"),
        document("aliases-60", ALIASES_60, "60 aliases, within the token bound"),
        document("depth-100", NESTED_100, "100 nested selections"),
        document("directives-10000", DIRECTIVES_10000, "10,000 directives (over the token bound first)"),
        document("directives-51", DIRECTIVES_51, "51 directives, within the token bound"),
        document("fields-6000", FIELDS_6000, "6,000 fields, no alias or directive"),
        document("fields-6000-subscription", FIELDS_6000_SUBSCRIPTION, "the same, the word subscription in a comment"),
        document("variables-2000", VARIABLES_2000, "2,000 variable definitions"),
        document("costly", COSTLY, "a page of 100,000 judgments"),
        document("fragment-bomb", FRAGMENT_BOMB, "30 fragments each spreading the next twice: 2³¹ fields"),
        document("fragment-cycle", FRAGMENT_CYCLE, "fragments spreading each other", "GRAPHQL_VALIDATION_FAILED"),
        Hostile("batch-1000", (orjson.dumps([{"query": ME}] * 1000),), 400, "BAD_REQUEST", what="1,000 operations"),
        Hostile("body-10mb", (padded,), 413, "PAYLOAD_TOO_LARGE", what="10 MB declared in Content-Length"),
        Hostile("body-10mb-chunked", chunked, 413, "PAYLOAD_TOO_LARGE", declares_length=False, what="10 MB, chunked"),
        Hostile("gzip-bomb", (bomb,), 413, "PAYLOAD_TOO_LARGE", gzip_json, what="gzip inflating past the limit"),
        Hostile(
            "unknown-encoding",
            (b"\x0b\x02\x80{}\x03",),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            (("Content-Encoding", "br"),),
            what="an encoding the hub does not inflate",
        ),
        Hostile("corrupt-gzip", (b"\x1f\x8b not gzip at all",), 400, "BAD_REQUEST", gzip_json, what="not gzip"),
        Hostile(
            "truncated-gzip",
            (gzip.compress(orjson.dumps({"query": ME}))[:-12],),
            400,
            "BAD_REQUEST",
            gzip_json,
            what="gzip cut short",
        ),
    )
