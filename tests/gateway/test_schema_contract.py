"""schema/schema.graphql is the published contract: it must equal what the code builds."""

from pathlib import Path

from resolvers.build import schema_sdl

CONTRACT = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def test_published_contract_matches_the_code():
    assert CONTRACT.read_text(encoding="utf-8") == schema_sdl(), "run `make schema` and commit schema/schema.graphql"


def test_amounts_use_the_vnd_scalar_not_32_bit_int():
    sdl = schema_sdl()
    assert "scalar VND" in sdl
    for field in ("amount: VND", "amountDue: VND!", "amountCollected: VND!"):
        assert field in sdl
