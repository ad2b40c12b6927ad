"""Fixtures for the reference agency services: one catalogue per session, fresh apps per test."""

from __future__ import annotations

import pytest

from agencies.common.cases import CaseBook
from agencies.common.catalogue import Catalogue
from agencies.common.reference import ReferenceData
from agencies.common.settings import ServiceSettings
from agencies.common.staff import StaffRoster
from agencies.court.app import create_app as create_court
from agencies.enforcement.app import create_app as create_enforcement
from agencies.procuracy.app import create_app as create_procuracy
from tests.agencies.asgi_client import AsgiClient

SEED = 11
JUDGMENTS = 3_000
API_KEY = "test-key"


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    return ReferenceData.load()


@pytest.fixture(scope="session")
def catalogue(reference: ReferenceData) -> Catalogue:
    return Catalogue(SEED, JUDGMENTS, reference)


@pytest.fixture(scope="session")
def roster(reference: ReferenceData) -> StaffRoster:
    return StaffRoster(SEED, reference)


@pytest.fixture(scope="session")
def book(catalogue: Catalogue, roster: StaffRoster) -> CaseBook:
    return CaseBook(catalogue, roster)


@pytest.fixture
def settings() -> ServiceSettings:
    return ServiceSettings(api_key=API_KEY, judgments=JUDGMENTS, seed=SEED)


@pytest.fixture
def court(settings: ServiceSettings, catalogue: Catalogue) -> AsgiClient:
    return AsgiClient(create_court(settings, catalogue), API_KEY)


@pytest.fixture
def enforcement(settings: ServiceSettings, catalogue: Catalogue) -> AsgiClient:
    return AsgiClient(create_enforcement(settings, catalogue), API_KEY)


@pytest.fixture
def procuracy(settings: ServiceSettings, catalogue: Catalogue) -> AsgiClient:
    return AsgiClient(create_procuracy(settings, catalogue), API_KEY)
