"""Tokens verified from issuers' JWK sets: rotation, outages, the cache file, hostile tokens.

No hub process: a JWKS server on 127.0.0.1 (tests/support/jwks_server.py), one
:class:`JwksKeys` per issuer and a :class:`TokenVerifier` over a small organisation.
Time for the fetch rate limit is a fake clock, so nothing here waits for it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path

import aiohttp
import jwt
import orjson
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

from domain.access import Role
from domain.clock import Clock
from domain.types import Agency, AgencyKind, AgencyLevel
from gateway.identity import VERIFIED_KEPT, AuthError, TokenVerifier, load_public_key
from gateway.jwks import MAX_JWKS_BYTES, JwksKeys, cache_file, keeping_fresh, parse_jwks
from gateway.settings import Settings, SettingsError
from tests.support.jwks_server import JwksServer, KeySigner

ISSUER = "https://sso.test.gov.vn"
MIN_INTERVAL_S = 30.0
TODAY = date(2026, 3, 2)
COURT = "court.ha-noi.kv01"
OLD_COURT = "court.old.ha-noi.h01"

ORGANISATION = {
    a.code: a
    for a in (
        Agency(COURT, AgencyKind.COURT, AgencyLevel.AREA, "Tòa án nhân dân khu vực 1 - Hà Nội", "ha-noi", None,
               date(2025, 7, 1)),
        Agency(OLD_COURT, AgencyKind.COURT, AgencyLevel.DISTRICT, "Tòa án nhân dân cấp huyện số 1 - Hà Nội",
               "ha-noi", None, date(2008, 7, 1), date(2025, 6, 30), COURT),
        Agency("court.old.gone", AgencyKind.COURT, AgencyLevel.DISTRICT, "Tòa án đã giải thể", "ha-noi", None,
               date(2008, 7, 1), date(2025, 6, 30)),
        Agency("ministry.justice", AgencyKind.MINISTRY, AgencyLevel.NATIONAL, "Bộ Tư pháp", None, None,
               date(2008, 7, 1)),
    )
}  # fmt: skip


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest_asyncio.fixture(loop_scope="session")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def jwks_keys(http: aiohttp.ClientSession, url: str, cache_dir: Path, clock: FakeClock, **kw: float) -> JwksKeys:
    return JwksKeys(
        ISSUER,
        url,
        http,
        cache_dir,
        refresh_s=kw.get("refresh_s", 300.0),
        min_interval_s=kw.get("min_interval_s", MIN_INTERVAL_S),
        timeout_s=2.0,
        clock=clock,
    )


def verifier_of(*sources: JwksKeys, static: dict[str, jwt.PyJWK] | None = None) -> TokenVerifier:
    return TokenVerifier(
        "lienthong",
        static_keys=static or {},
        jwks={s.issuer: s for s in sources},
        agencies=ORGANISATION,
        today=lambda: TODAY,
    )


def hs256_by_hand(claims: dict[str, object], secret: bytes, kid: str) -> str:
    """The classic algorithm-confusion forgery: HMAC keyed with the issuer's public key."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{b64(orjson.dumps({'alg': 'HS256', 'typ': 'JWT', 'kid': kid}))}.{b64(orjson.dumps(claims))}"
    return f"{signing_input}.{b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


async def refused(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(AuthError) as caught:
        await verifier.verify(token)
    return str(caught.value)


class TestVerification:
    @pytest.mark.parametrize("algorithm", ["ES256", "EdDSA"])
    async def test_a_token_signed_with_a_published_key_gives_its_principal(self, http, tmp_path, clock, algorithm):
        signer = KeySigner.new(algorithm, ISSUER)
        async with JwksServer([signer]) as server:
            keys = jwks_keys(http, server.url, tmp_path, clock)
            await keys.start()
            principal = await verifier_of(keys).verify(signer.token(COURT, [Role.COURT_CLERK], person="Lê Thị Hoa"))
        assert (principal.agency_code, principal.roles, principal.person, principal.issuer) == (
            COURT,
            frozenset({Role.COURT_CLERK}),
            "Lê Thị Hoa",
            ISSUER,
        )

    async def test_a_token_signed_by_an_unpublished_key_with_a_published_kid_does_not_verify(
        self, http, tmp_path, clock
    ):
        signer = KeySigner.new("ES256", ISSUER)
        impostor = KeySigner.new("ES256", ISSUER, kid=signer.kid)
        async with JwksServer([signer]) as server:
            keys = jwks_keys(http, server.url, tmp_path, clock)
            await keys.start()
            message = await refused(verifier_of(keys), impostor.token(COURT, [Role.COURT_CLERK]))
        assert message == "the token's signature does not verify"

    async def test_a_token_without_kid_is_refused_with_a_message(self, http, tmp_path, clock):
        signer = KeySigner.new("ES256", ISSUER)
        async with JwksServer([signer]) as server:
            keys = jwks_keys(http, server.url, tmp_path, clock)
            await keys.start()
            token = jwt.encode(signer.claims(COURT, [Role.COURT_CLERK]), signer.private_key, algorithm="ES256")
            message = await refused(verifier_of(keys), token)
        assert "must name their signing key" in message


class TestRotation:
    async def test_a_newly_published_key_is_accepted_without_restart(self, http, tmp_path, clock):
        old, new = KeySigner.new("ES256", ISSUER), KeySigner.new("EdDSA", ISSUER)
        async with JwksServer([old]) as server:
            keys = jwks_keys(http, server.url, tmp_path, clock)
            await keys.start()
            verifier = verifier_of(keys)
            server.publish(new)
            clock.advance(MIN_INTERVAL_S)
            principal = await verifier.verify(new.token(COURT, [Role.COURT_CLERK]))
            assert principal.agency_code == COURT
            assert (await verifier.verify(old.token(COURT, [Role.COURT_CLERK]))).agency_code == COURT
        assert server.requests == 2  # the start, then one fetch for the unknown kid

    async def test_a_retired_key_is_refused_after_the_next_successful_refresh(self, http, tmp_path, clock):
        old, new = KeySigner.new("ES256", ISSUER), KeySigner.new("ES256", ISSUER)
        async with JwksServer([old, new]) as server:
            keys = jwks_keys(http, server.url, tmp_path, clock)
            await keys.start()
            verifier = verifier_of(keys)
            server.retire(old.kid)
            assert (await verifier.verify(old.token(COURT, [Role.COURT_CLERK]))).agency_code == COURT
            assert await keys.refresh() is True
            message = await refused(verifier, old.token(COURT, [Role.COURT_CLERK]))
            assert (await verifier.verify(new.token(COURT, [Role.COURT_CLERK]))).agency_code == COURT
        assert message == f"the token's signing key {old.kid!r} is not among the keys issuer {ISSUER!r} publishes"

    async def test_the_background_refresh_picks_up_a_new_key_and_stops_with_the_block(self, http, tmp_path, clock):
        old, new = KeySigner.new("ES256", ISSUER), KeySigner.new("ES256", ISSUER)
        async with JwksServer([old]) as server:
            keys = jwks_keys(http, server.url, tmp_path, clock, refresh_s=0.05)
            async with keeping_fresh([keys]):
                assert list(keys.keys) == [old.kid]
                server.publish(new)
                async with asyncio.timeout(10):
                    while new.kid not in keys.keys:
                        await asyncio.sleep(0.02)
            fetched = server.requests
            await asyncio.sleep(0.2)  # the refresh task is gone: no more fetches
            assert server.requests == fetched


class TestOutages:
    async def test_last_good_keys_still_verify_while_the_endpoint_answers_errors(self, http, tmp_path, clock):
        signer = KeySigner.new("ES256", ISSUER)
        async with JwksServer([signer]) as server:
            keys = jwks_keys(http, server.url, tmp_path, clock)
            await keys.start()
            server.down = True
            assert await keys.refresh() is False
            assert keys.healthy is False
            principal = await verifier_of(keys).verify(signer.token(COURT, [Role.COURT_CLERK]))
        assert principal.agency_code == COURT

    async def test_last_good_keys_still_verify_when_the_endpoint_is_gone(self, http, tmp_path, clock):
        signer = KeySigner.new("EdDSA", ISSUER)
        server = await JwksServer([signer]).start()
        keys = jwks_keys(http, server.url, tmp_path, clock)
        await keys.start()
        await server.stop()
        assert await keys.refresh() is False
        assert (await verifier_of(keys).verify(signer.token(COURT, [Role.COURT_CLERK]))).agency_code == COURT

    async def test_a_restart_with_the_endpoint_down_loads_the_keys_from_the_cache_file(self, http, tmp_path, clock):
        signer = KeySigner.new("ES256", ISSUER)
        server = await JwksServer([signer]).start()
        await jwks_keys(http, server.url, tmp_path, clock).start()
        await server.stop()

        restarted = jwks_keys(http, server.url, tmp_path, FakeClock())
        await restarted.start()

        assert restarted.healthy is False
        assert list(restarted.keys) == [signer.kid]
        assert (await verifier_of(restarted).verify(signer.token(COURT, [Role.COURT_CLERK]))).agency_code == COURT
        assert [p.name for p in tmp_path.iterdir()] == [cache_file(tmp_path, ISSUER).name]  # no temporary left

    async def test_a_cache_file_of_another_issuer_is_not_used(self, http, tmp_path, clock):
        signer = KeySigner.new("ES256", ISSUER)
        server = await JwksServer([signer]).start()
        await jwks_keys(http, server.url, tmp_path, clock).start()
        await server.stop()
        other = cache_file(tmp_path, "https://other.test")
        cache_file(tmp_path, ISSUER).rename(other)
        stranger = JwksKeys("https://other.test", server.url, http, tmp_path, refresh_s=300, min_interval_s=30)
        await stranger.start()
        assert dict(stranger.keys) == {}

    async def test_a_failed_fetch_leaves_the_cache_file_as_it_was(self, http, tmp_path, clock):
        signer = KeySigner.new("ES256", ISSUER)
        async with JwksServer([signer]) as server:
            keys = jwks_keys(http, server.url, tmp_path, clock)
            await keys.start()
            saved = cache_file(tmp_path, ISSUER).read_bytes()
            server.down = True
            await keys.refresh()
        assert cache_file(tmp_path, ISSUER).read_bytes() == saved

    async def test_an_oversized_answer_is_refused_and_the_keys_kept(self, http, tmp_path, clock):
        signer = KeySigner.new("ES256", ISSUER)
        async with JwksServer([signer]) as server:
            keys = jwks_keys(http, server.url, tmp_path, clock)
            await keys.start()
            server.retire(signer.kid)
            server.padding = MAX_JWKS_BYTES
            assert await keys.refresh() is False
        assert list(keys.keys) == [signer.kid]

    async def test_a_redirect_is_not_followed(self, http, tmp_path, clock):
        signer = KeySigner.new("ES256", ISSUER)
        async with JwksServer([signer]) as server:
            keys = jwks_keys(http, server.moved_url, tmp_path, clock)
            await keys.start()
        assert (server.requests, dict(keys.keys)) == (1, {})


class TestUnknownKids:
    async def test_garbage_kids_cause_at_most_one_fetch_per_interval(self, http, tmp_path, clock):
        signer = KeySigner.new("ES256", ISSUER)
        async with JwksServer([signer]) as server:
            keys = jwks_keys(http, server.url, tmp_path, clock)
            await keys.start()
            verifier = verifier_of(keys)
            assert server.requests == 1
            clock.advance(MIN_INTERVAL_S)

            def garbage() -> str:
                return signer.token(COURT, [Role.COURT_CLERK], kid=uuid.uuid4().hex)

            results = await asyncio.gather(*(verifier.verify(garbage()) for _ in range(25)), return_exceptions=True)
            for _ in range(25):
                await refused(verifier, garbage())
            assert all(isinstance(r, AuthError) for r in results)
            assert server.requests == 2

            clock.advance(MIN_INTERVAL_S - 1)
            await refused(verifier, garbage())
            assert server.requests == 2
            clock.advance(1)
            await refused(verifier, garbage())
            assert server.requests == 3

    async def test_a_known_kid_never_fetches(self, http, tmp_path, clock):
        signer = KeySigner.new("ES256", ISSUER)
        async with JwksServer([signer]) as server:
            keys = jwks_keys(http, server.url, tmp_path, clock)
            await keys.start()
            clock.advance(10 * MIN_INTERVAL_S)
            for _ in range(5):
                await verifier_of(keys).verify(signer.token(COURT, [Role.COURT_CLERK]))
        assert server.requests == 1


class TestAlgorithms:
    @pytest_asyncio.fixture(loop_scope="session")
    async def served(self, http, tmp_path, clock) -> AsyncIterator[tuple[KeySigner, KeySigner, TokenVerifier]]:
        es, ed = KeySigner.new("ES256", ISSUER), KeySigner.new("EdDSA", ISSUER)
        async with JwksServer([es, ed]) as server:
            keys = jwks_keys(http, server.url, tmp_path, clock)
            await keys.start()
            yield es, ed, verifier_of(keys)

    async def test_alg_none_is_refused(self, served):
        es, _, verifier = served
        token = jwt.encode(es.claims(COURT, [Role.COURT_CLERK]), None, algorithm="none", headers={"kid": es.kid})
        assert await refused(verifier, token) == "the token's algorithm 'none' is not accepted (only EdDSA and ES256)"

    async def test_an_hmac_token_keyed_with_the_public_key_is_refused(self, served):
        es, _, verifier = served
        public_pem = es.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        token = hs256_by_hand(es.claims(COURT, [Role.COURT_CLERK]), public_pem, es.kid)  # PyJWT will not sign it
        assert await refused(verifier, token) == "the token's algorithm 'HS256' is not accepted (only EdDSA and ES256)"

    async def test_a_token_whose_alg_does_not_match_its_key_is_refused(self, served):
        es, ed, verifier = served
        token = jwt.encode(ed.claims(COURT, [Role.COURT_CLERK]), ed.private_key, algorithm="EdDSA",
                           headers={"kid": es.kid})  # fmt: skip
        assert await refused(verifier, token) == "the token's algorithm 'EdDSA' does not match the issuer's key (ES256)"

    def test_only_ed25519_and_p256_signing_keys_with_a_kid_are_kept_from_a_jwks(self):
        ed = OKPAlgorithm.to_jwk(Ed25519PrivateKey.generate().public_key(), as_dict=True)
        p256 = ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()).public_key(), as_dict=True)
        p384 = ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP384R1()).public_key(), as_dict=True)
        document = {
            "keys": [
                {**ed, "kid": "ed"},
                {**p256, "kid": "p256", "alg": "ES256"},
                {**p384, "kid": "p384"},
                {**p256, "kid": "p256-enc", "use": "enc"},
                {**p256},  # no kid
                {**p256, "kid": "p256-as-eddsa", "alg": "EdDSA"},
                {"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA", "kid": "hmac", "alg": "HS256"},
                {"kty": "RSA", "kid": "rsa", "n": "sXch", "e": "AQAB"},
            ]
        }
        keys = parse_jwks(document)
        assert {kid: k.algorithm_name for kid, k in keys.items()} == {"ed": "EdDSA", "p256": "ES256"}

    def test_an_empty_key_list_is_a_valid_answer_and_anything_else_is_not(self):
        assert parse_jwks({"keys": []}) == {}
        for bad in ({}, [], {"keys": "x"}, "keys"):
            with pytest.raises(Exception, match="not a JWK set"):
                parse_jwks(bad)


class TestStaticKeys:
    """``LIENTHONG_TRUSTED_ISSUERS`` PEM keys: Ed25519 and now P-256, each bound to its algorithm."""

    @staticmethod
    def pem(path: Path, private: ec.EllipticCurvePrivateKey | Ed25519PrivateKey | rsa.RSAPrivateKey) -> Path:
        path.write_bytes(
            private.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        return path

    async def test_an_es256_token_verifies_against_a_p256_pem(self, tmp_path):
        signer = KeySigner.new("ES256", "moj")
        key = load_public_key(self.pem(tmp_path / "moj.pem", signer.private_key), "moj")
        principal = await verifier_of(static={"moj": key}).verify(signer.token(COURT, [Role.COURT_CLERK]))
        assert principal.issuer == "moj"

    async def test_an_es256_header_on_an_ed25519_issuer_is_refused(self, tmp_path):
        ed, es = KeySigner.new("EdDSA", "moj"), KeySigner.new("ES256", "moj")
        key = load_public_key(self.pem(tmp_path / "moj.pem", ed.private_key), "moj")
        message = await refused(verifier_of(static={"moj": key}), es.token(COURT, [Role.COURT_CLERK]))
        assert message == "the token's algorithm 'ES256' does not match the issuer's key (EdDSA)"

    def test_an_rsa_pem_is_not_accepted_as_an_issuer_key(self, tmp_path):
        path = self.pem(tmp_path / "rsa.pem", rsa.generate_private_key(public_exponent=65537, key_size=2048))
        with pytest.raises(SettingsError, match="neither Ed25519 nor EC P-256"):
            load_public_key(path, "rsa-issuer")


class TestAgencies:
    @pytest.fixture
    def static(self, tmp_path) -> tuple[KeySigner, TokenVerifier]:
        signer = KeySigner.new("EdDSA", "moj")
        TestStaticKeys.pem(tmp_path / "moj.pem", signer.private_key)
        return signer, verifier_of(static={"moj": load_public_key(tmp_path / "moj.pem", "moj")})

    async def test_a_token_of_a_dissolved_agency_names_the_date_and_the_successor(self, static):
        signer, verifier = static
        assert await refused(verifier, signer.token(OLD_COURT, [Role.COURT_CLERK])) == (
            f"agency {OLD_COURT} was dissolved on 2025-06-30; its work passed to {COURT}: use a token of that agency"
        )

    async def test_a_token_of_a_dissolved_agency_without_successor_is_refused(self, static):
        signer, verifier = static
        message = await refused(verifier, signer.token("court.old.gone", [Role.COURT_CLERK]))
        assert message == "agency court.old.gone was dissolved on 2025-06-30 and has no successor"

    async def test_a_token_of_an_unknown_agency_is_refused(self, static):
        signer, verifier = static
        message = await refused(verifier, signer.token("court.nowhere", [Role.COURT_CLERK]))
        assert message.startswith("unknown agency court.nowhere")

    async def test_the_ministry_token_is_accepted(self, static):
        signer, verifier = static
        assert (await verifier.verify(signer.token("ministry.justice", [Role.MINISTRY]))).agency_code == (
            "ministry.justice"
        )


class TestSettings:
    def test_jwks_issuers_and_their_timings_come_from_the_environment_and_back(self):
        env = {
            "LIENTHONG_JWKS_ISSUERS": "https://sso.moj.gov.vn=https://sso.moj.gov.vn/jwks.json?v=2,"
            "local=http://127.0.0.1:9000/jwks.json",
            "LIENTHONG_JWKS_REFRESH_S": "60",
            "LIENTHONG_JWKS_MIN_INTERVAL_S": "5",
        }
        settings = Settings.from_env(env)
        assert dict(settings.jwks_issuers) == {
            "https://sso.moj.gov.vn": "https://sso.moj.gov.vn/jwks.json?v=2",
            "local": "http://127.0.0.1:9000/jwks.json",
        }
        assert (settings.jwks_refresh_s, settings.jwks_min_interval_s) == (60.0, 5.0)
        assert settings.jwks_cache_dir == settings.keys_dir / "jwks"
        assert Settings.from_env(settings.to_env()) == settings

    @pytest.mark.parametrize(
        ("env", "complaint"),
        [
            ({"LIENTHONG_JWKS_ISSUERS": "moj=http://sso.moj.gov.vn/jwks.json"}, "must be https"),
            ({"LIENTHONG_JWKS_ISSUERS": "moj"}, "issuer=https://"),
            (
                {"LIENTHONG_JWKS_ISSUERS": "moj=https://x/j", "LIENTHONG_TRUSTED_ISSUERS": "moj=/k.pem"},
                "in both",
            ),
            ({"LIENTHONG_JWKS_MIN_INTERVAL_S": "0"}, "must be positive"),
            ({"LIENTHONG_JWKS_REFRESH_S": "soon"}, "LIENTHONG_JWKS_"),
        ],
    )
    def test_bad_jwks_settings_stop_the_start_with_a_message(self, env, complaint):
        with pytest.raises(SettingsError, match=complaint):
            Settings.from_env(env)


class TestRememberedTokens:
    """A token whose signature verified is remembered; used again, what time, rotation and the
    organisation change is checked again, and only the signature is not."""

    @staticmethod
    def counting_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
        decoded: list[str] = []
        real = jwt.decode

        def decode(token: str, *args: object, **kwargs: object) -> object:
            decoded.append(token)
            return real(token, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(jwt, "decode", decode)
        return decoded

    @staticmethod
    def verifier(key: jwt.PyJWK, wall: list[datetime], today: list[date], kept: int = VERIFIED_KEPT) -> TokenVerifier:
        return TokenVerifier(
            "lienthong",
            static_keys={"moj": key},
            jwks={},
            agencies=ORGANISATION,
            today=lambda: today[0],
            wall=lambda: wall[0],
            kept=kept,
        )

    @pytest.fixture
    def signer(self, tmp_path: Path) -> tuple[KeySigner, jwt.PyJWK]:
        signer = KeySigner.new("EdDSA", "moj")
        return signer, load_public_key(TestStaticKeys.pem(tmp_path / "moj.pem", signer.private_key), "moj")

    async def test_a_token_used_again_is_not_decoded_again(self, signer, monkeypatch):
        key_signer, key = signer
        verifier = self.verifier(key, [Clock().wall()], [TODAY])
        token = key_signer.token(COURT, [Role.COURT_CLERK], person="Lê Thị Hoa")
        first = await verifier.verify(token)
        decoded = self.counting_decodes(monkeypatch)
        again = await verifier.verify(token)
        assert again == first
        assert decoded == []

    async def test_a_remembered_token_is_refused_once_the_machine_time_passes_its_expiry(self, signer):
        key_signer, key = signer
        wall = [Clock().wall()]
        verifier = self.verifier(key, wall, [TODAY])
        token = key_signer.token(COURT, [Role.COURT_CLERK], ttl_s=600)
        await verifier.verify(token)
        wall[0] += timedelta(seconds=600 + verifier.leeway_s - 5)
        assert (await verifier.verify(token)).agency_code == COURT  # within the leeway still
        wall[0] += timedelta(seconds=10)
        assert await refused(verifier, token) == "the token has expired"

    async def test_a_remembered_token_of_an_agency_dissolved_meanwhile_is_refused(self, signer):
        key_signer, key = signer
        today = [date(2025, 6, 30)]
        verifier = self.verifier(key, [Clock().wall()], today)
        token = key_signer.token(OLD_COURT, [Role.COURT_CLERK])
        assert (await verifier.verify(token)).agency_code == OLD_COURT
        today[0] = date(2025, 7, 1)
        assert (await refused(verifier, token)).startswith(f"agency {OLD_COURT} was dissolved on 2025-06-30")

    async def test_a_remembered_token_whose_key_was_retired_is_refused(self, http, tmp_path, clock):
        old, new = KeySigner.new("ES256", ISSUER), KeySigner.new("ES256", ISSUER)
        async with JwksServer([old, new]) as server:
            keys = jwks_keys(http, server.url, tmp_path, clock)
            await keys.start()
            verifier = verifier_of(keys)
            token = old.token(COURT, [Role.COURT_CLERK])
            assert (await verifier.verify(token)).agency_code == COURT
            server.retire(old.kid)
            assert await keys.refresh() is True
            message = await refused(verifier, token)
        assert message == f"the token's signing key {old.kid!r} is not among the keys issuer {ISSUER!r} publishes"

    async def test_the_memory_keeps_the_newest_tokens_only(self, signer, monkeypatch):
        key_signer, key = signer
        verifier = self.verifier(key, [Clock().wall()], [TODAY], kept=2)
        tokens = [key_signer.token(COURT, [Role.COURT_CLERK]) for _ in range(3)]
        for token in tokens:
            await verifier.verify(token)
        decoded = self.counting_decodes(monkeypatch)
        for token in reversed(tokens):
            await verifier.verify(token)
        assert decoded == [tokens[0], tokens[0]]  # the oldest was forgotten: decoded unverified, then verified
