"""Settings, read and cast once from the environment, then passed everywhere.

Nothing in the project reads ``os.environ`` except :meth:`Settings.from_env`.
Every variable is prefixed ``LIENTHONG_``; see docs/operations.md for the list.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from domain.clock import Clock, at
from domain.date_bounds import DateBounds
from domain.submission import EARLIEST_JUDGMENT
from domain.webhook_targets import AllowedHost, TargetPolicy, parse_allow_hosts

REPO_ROOT = Path(__file__).resolve().parents[1]
MAX_TOKEN_LEEWAY_S = 300  # more skew than five minutes is a broken clock, not skew
MAX_GRANT_RECHECK_S = 300.0  # a revoked grant must not keep a subscription open for longer
DEFAULT_OIDC_CLIENT_ID = "lienthong"  # the hub's client id at the sign-in provider (LIENTHONG_OIDC_CLIENT_ID)


class SettingsError(ValueError):
    """A setting is missing or cannot be read; the message names it."""


@dataclass(frozen=True, slots=True)
class QueryLimits:
    """Bounds on a GraphQL document, checked before anything runs (hostile or careless queries)."""

    max_depth: int = 12
    max_tokens: int = 5000
    max_aliases: int = 50
    max_directives: int = 50
    max_cost: int = 100_000  # static estimate (schema/limits/cost.py); bench's 100-judgment 360° page costs ~52,000
    default_page_size: int = 20  # items assumed for a list field without first/last/limit
    max_batch_operations: int = 10  # operations in one JSON-array POST; 0 refuses arrays

    _ENV: ClassVar[dict[str, str]] = {
        "max_depth": "MAX_QUERY_DEPTH",
        "max_tokens": "MAX_QUERY_TOKENS",
        "max_aliases": "MAX_QUERY_ALIASES",
        "max_directives": "MAX_QUERY_DIRECTIVES",
        "max_cost": "MAX_QUERY_COST",
        "default_page_size": "QUERY_COST_PAGE_SIZE",
        "max_batch_operations": "MAX_BATCH_OPERATIONS",
    }

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> QueryLimits:
        limits = cls(**_numbers_from_env(env, cls._ENV))
        for name, var in cls._ENV.items():
            if name != "max_batch_operations" and getattr(limits, name) < 1:
                raise SettingsError(f"LIENTHONG_{var} must be positive")
        if limits.max_batch_operations < 0:
            raise SettingsError("LIENTHONG_MAX_BATCH_OPERATIONS must not be negative (0 refuses batches)")
        return limits

    def to_env(self) -> dict[str, str]:
        return {f"LIENTHONG_{var}": str(getattr(self, name)) for name, var in self._ENV.items()}


@dataclass(frozen=True, slots=True)
class HttpLimits:
    """Protection of the HTTP surface (``gateway/protection.py``); ``LIENTHONG_*``, see docs/operations.md."""

    # A 2 MiB judgment document travels base64 inside submitJudgment (about 2.8 MB): 4 MiB leaves room for the
    # rest. Also the most a compressed body may expand to.
    max_body_bytes: int = 4 * 1_048_576
    rate_per_s: float = 50.0  # requests per second per client and replica; 0 turns rate limiting off
    rate_burst: int = 200  # requests a client may make at once before the rate applies
    hsts_max_age_s: int = 0  # Strict-Transport-Security max-age; 0 sends none (TLS ends at the proxy)
    # where the clients' counters live (gateway/rate_limits.py): "memory" (this process), "database" (the hub's
    # database, shared by its replicas) or a redis:// or rediss:// URL; None: "database" on PostgreSQL, else "memory"
    rate_storage: str | None = None
    rate_storage_timeout_s: float = 0.5  # longest wait on a shared store before this replica decides alone

    _ENV: ClassVar[dict[str, str]] = {
        "max_body_bytes": "MAX_BODY_BYTES",
        "rate_per_s": "RATE_LIMIT_PER_S",
        "rate_burst": "RATE_LIMIT_BURST",
        "hsts_max_age_s": "HSTS_MAX_AGE_S",
        "rate_storage_timeout_s": "RATE_LIMIT_STORAGE_TIMEOUT_S",
    }

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> HttpLimits:
        limits = cls(
            **_numbers_from_env(env, cls._ENV, floats=frozenset({"rate_per_s", "rate_storage_timeout_s"})),
            rate_storage=_rate_storage(env.get("LIENTHONG_RATE_LIMIT_STORAGE")),
        )
        if limits.max_body_bytes < 1 or limits.rate_burst < 1:
            raise SettingsError("LIENTHONG_MAX_BODY_BYTES and LIENTHONG_RATE_LIMIT_BURST must be positive")
        if limits.rate_per_s < 0 or limits.hsts_max_age_s < 0:
            raise SettingsError("LIENTHONG_RATE_LIMIT_PER_S and LIENTHONG_HSTS_MAX_AGE_S must not be negative")
        if limits.rate_storage_timeout_s <= 0:
            raise SettingsError("LIENTHONG_RATE_LIMIT_STORAGE_TIMEOUT_S must be positive")
        return limits

    def to_env(self) -> dict[str, str]:
        env = {f"LIENTHONG_{var}": str(getattr(self, name)) for name, var in self._ENV.items()}
        if self.rate_storage is not None:
            env["LIENTHONG_RATE_LIMIT_STORAGE"] = self.rate_storage
        return env

    def storage_for(self, database_url: str) -> str:
        """The rate limits' store: the one configured, else the database on PostgreSQL and memory on SQLite."""
        if self.rate_storage is not None:
            return self.rate_storage
        return "database" if urlsplit(database_url).scheme.split("+")[0] in {"postgresql", "postgres"} else "memory"


RATE_STORAGE_SCHEMES = frozenset({"redis", "rediss"})


def _rate_storage(raw: str | None) -> str | None:
    """LIENTHONG_RATE_LIMIT_STORAGE checked: memory, database, or a Redis URL with a host (never echoed whole)."""
    value = (raw or "").strip()
    if not value:
        return None
    if value.lower() in {"memory", "database"}:
        return value.lower()
    parts = urlsplit(value)
    if parts.scheme.lower() not in RATE_STORAGE_SCHEMES or not parts.hostname:
        raise SettingsError(
            "LIENTHONG_RATE_LIMIT_STORAGE must be memory, database or redis://host:port/db "
            f"(rediss:// for TLS), not a {parts.scheme or 'plain'} value"
        )
    return value


def _numbers_from_env(
    env: Mapping[str, str], names: Mapping[str, str], floats: frozenset[str] = frozenset()
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, var in names.items():
        raw = env.get(f"LIENTHONG_{var}")
        if raw is None or raw.strip() == "":
            continue
        try:
            values[name] = float(raw) if name in floats else int(raw)
        except ValueError as exc:
            raise SettingsError(f"LIENTHONG_{var}: {exc}") from exc
    return values


@dataclass(frozen=True, slots=True)
class AgencyEndpoint:
    base_url: str
    api_key: str


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """Webhook delivery (``gateway/delivery.py``); ``LIENTHONG_WEBHOOK_*``, see docs/operations.md.

    Tests shrink the delays (``base_delay_s=0.05``, ``max_attempts=4``) so a
    dead letter is reached in well under a second of back-off.
    """

    enabled: bool = True  # run the delivery worker in this process (off: API-only replica)
    max_attempts: int = 8
    base_delay_s: float = 1.0
    max_delay_s: float = 300.0
    timeout_s: float = 5.0
    batch: int = 50
    concurrency: int = 16
    poll_s: float = 1.0
    # hosts exempt from the public-address check of webhook targets (test benches): "127.0.0.1,hooks.bench:8443"
    allow_hosts: tuple[AllowedHost, ...] = ()
    resolve_timeout_s: float = 2.0  # a webhook host's name lookup, at registration and at each connection

    _ENV: ClassVar[dict[str, str]] = {
        "enabled": "WEBHOOK_DELIVERY",
        "max_attempts": "WEBHOOK_MAX_ATTEMPTS",
        "base_delay_s": "WEBHOOK_BASE_DELAY_S",
        "max_delay_s": "WEBHOOK_MAX_DELAY_S",
        "timeout_s": "WEBHOOK_TIMEOUT_S",
        "batch": "WEBHOOK_BATCH",
        "concurrency": "WEBHOOK_CONCURRENCY",
        "poll_s": "WEBHOOK_POLL_S",
        "allow_hosts": "WEBHOOK_ALLOW_HOSTS",
        "resolve_timeout_s": "WEBHOOK_RESOLVE_TIMEOUT_S",
    }

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WebhookSettings:
        values: dict[str, Any] = {}
        for name, var in cls._ENV.items():
            raw = env.get(f"LIENTHONG_{var}")
            if raw is None or raw.strip() == "":
                continue
            default = getattr(cls(), name)
            try:
                if isinstance(default, bool):
                    flag = raw.strip().lower()
                    if flag not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
                        raise ValueError(f"not on/off: {raw!r}")
                    values[name] = flag in {"1", "true", "yes", "on"}
                elif isinstance(default, tuple):
                    values[name] = parse_allow_hosts(raw)
                else:
                    values[name] = type(default)(raw)
            except ValueError as exc:
                raise SettingsError(f"LIENTHONG_{var}: {exc}") from exc
        settings = cls(**values)
        for name in ("max_attempts", "batch", "concurrency", "timeout_s", "poll_s", "resolve_timeout_s"):
            if getattr(settings, name) <= 0:
                raise SettingsError(f"LIENTHONG_{cls._ENV[name]} must be positive")
        for name in ("base_delay_s", "max_delay_s"):
            if getattr(settings, name) < 0:
                raise SettingsError(f"LIENTHONG_{cls._ENV[name]} must not be negative")
        return settings

    def to_env(self) -> dict[str, str]:
        def text(value: object) -> str:
            if isinstance(value, bool):
                return "on" if value else "off"
            return ",".join(map(str, value)) if isinstance(value, tuple) else str(value)

        return {f"LIENTHONG_{var}": text(getattr(self, name)) for name, var in self._ENV.items()}


@dataclass(frozen=True, slots=True)
class OidcSettings:
    """Sign-in of people to the console (``console/signin.py``); ``LIENTHONG_OIDC_*``, see docs/operations.md.

    ``issuer`` None: sign-in is not configured (the console says so). No ``client_secret``: a public client,
    protected by PKCE alone.
    """

    issuer: str | None = None
    client_id: str = DEFAULT_OIDC_CLIENT_ID
    client_secret: str | None = None
    timeout_s: float = 10.0  # each call to the provider (discovery, keys, token exchange)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> OidcSettings:
        issuer = (env.get("LIENTHONG_OIDC_ISSUER") or "").strip().rstrip("/") or None
        if issuer is not None:
            parts = urlsplit(issuer)
            secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS)
            if not secure or not parts.hostname:
                raise SettingsError(f"LIENTHONG_OIDC_ISSUER must be an https:// URL (got {issuer!r})")
        try:
            timeout = float(env.get("LIENTHONG_OIDC_TIMEOUT_S") or "10")
        except ValueError as exc:
            raise SettingsError(f"LIENTHONG_OIDC_TIMEOUT_S: {exc}") from exc
        if timeout <= 0:
            raise SettingsError("LIENTHONG_OIDC_TIMEOUT_S must be positive")
        return cls(
            issuer=issuer,
            client_id=(env.get("LIENTHONG_OIDC_CLIENT_ID") or "").strip() or DEFAULT_OIDC_CLIENT_ID,
            client_secret=env.get("LIENTHONG_OIDC_CLIENT_SECRET") or None,
            timeout_s=timeout,
        )

    def to_env(self) -> dict[str, str]:
        env = {"LIENTHONG_OIDC_CLIENT_ID": self.client_id, "LIENTHONG_OIDC_TIMEOUT_S": str(self.timeout_s)}
        if self.issuer is not None:
            env["LIENTHONG_OIDC_ISSUER"] = self.issuer
        if self.client_secret is not None:
            env["LIENTHONG_OIDC_CLIENT_SECRET"] = self.client_secret
        return env


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = "sqlite+aiosqlite:///var/lienthong.db"
    mode: str = "demo"  # "demo" shows GraphiQL; "production" hides it
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = REPO_ROOT / "data"
    keys_dir: Path = REPO_ROOT / "var" / "keys"
    token_issuer: str = "lienthong-demo"
    token_audience: str = "lienthong"
    trusted_issuers: Mapping[str, Path] = field(default_factory=dict)  # issuer -> public key PEM
    jwks_issuers: Mapping[str, str] = field(default_factory=dict)  # issuer -> JWKS URL (gateway/jwks.py)
    jwks_refresh_s: float = 300.0  # background refresh of every JWKS
    jwks_min_interval_s: float = 30.0  # at most one fetch per issuer in this time (unknown kids, retries)
    jwks_timeout_s: float = 5.0
    token_leeway_s: int = (
        30  # clock skew allowed on a token's exp/nbf/iat (0–300 s); a subscription lives this much longer
    )
    grant_recheck_s: float = 5.0  # how often open subscriptions are re-checked against the registry's grants
    adapter_timeout_s: float = 2.0
    circuit_failures: int = 5  # consecutive failures of an agency system that open its circuit breaker; 0: no breaker
    circuit_reset_s: float = 10.0  # how long an open breaker fails fast before a call probes the agency again
    overdue_every_s: float = 60.0  # 0 turns the overdue monitor off in this process
    live_poll_s: float = 1.0  # longest the event readers (subscriptions, delivery) wait before reading anyway (LISTEN/NOTIFY wakes them sooner)
    query_limits: QueryLimits = field(default_factory=QueryLimits)
    http_limits: HttpLimits = field(default_factory=HttpLimits)
    court: AgencyEndpoint | None = None
    enforcement: AgencyEndpoint | None = None
    procuracy: AgencyEndpoint | None = None
    personnel_database_url: str | None = None
    log_level: str = "info"
    gc_threshold: int = 10_000  # young-generation threshold of a server process (gateway/server_gc.py); 0: Python's
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    # the moment the hub's clock reads when the process starts (LIENTHONG_CLOCK_START, Việt Nam time unless
    # it says otherwise); None: the machine's time. For demos and drills: "put the hub on the Friday before Tết".
    clock_start: datetime | None = None
    # an adjudication date before this is no plausible judgment (LIENTHONG_EARLIEST_JUDGMENT_DATE, ISO date)
    earliest_judgment: date = EARLIEST_JUDGMENT
    # how far ahead each kind of date argument may lie (LIENTHONG_REPLY_BY_MAX_DAYS, LIENTHONG_PLANNED_ON_MAX_MONTHS,
    # LIENTHONG_DATE_MAX_YEARS_AHEAD); back to earliest_judgment
    date_bounds: DateBounds = field(default_factory=DateBounds)
    oidc: OidcSettings = field(default_factory=OidcSettings)  # the console's sign-in (LIENTHONG_OIDC_*)
    public_url: str | None = None  # the hub's external base URL (LIENTHONG_PUBLIC_URL); None: http://host:port

    @property
    def demo(self) -> bool:
        return self.mode == "demo"

    @property
    def base_url(self) -> str:
        """Where people's browsers reach the hub (the console's sign-in callback is under it)."""
        return self.public_url or f"http://{self.host}:{self.port}"

    def webhook_targets(self) -> TargetPolicy:
        """Where webhooks may point: https only in production mode; the allowed hosts skip the address check."""
        return TargetPolicy(https_only=self.mode == "production", allow_hosts=self.webhooks.allow_hosts)

    @property
    def issuer_private_key(self) -> Path:
        return self.keys_dir / "issuer-ed25519.pem"

    @property
    def issuer_public_key(self) -> Path:
        return self.keys_dir / "issuer-ed25519.pub.pem"

    @property
    def receipt_private_key(self) -> Path:
        """The hub's Ed25519 key that signs submission receipts."""
        return self.keys_dir / "hub-receipts-ed25519.pem"

    @property
    def receipt_public_key(self) -> Path:
        return self.keys_dir / "hub-receipts-ed25519.pub.pem"

    @property
    def jwks_cache_dir(self) -> Path:
        """The last good JWK set of every JWKS issuer, read at start when the endpoint is down."""
        return self.keys_dir / "jwks"

    def public_keys(self) -> dict[str, Path]:
        """Issuers whose tokens are accepted: the configured ones plus our own."""
        return {self.token_issuer: self.issuer_public_key, **self.trusted_issuers}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str, default: str | None = None) -> str | None:
            return env.get(f"LIENTHONG_{name}", default)

        def endpoint(name: str) -> AgencyEndpoint | None:
            url = get(f"{name}_URL")
            if not url:
                return None
            key = get(f"{name}_API_KEY")
            if not key:
                raise SettingsError(f"LIENTHONG_{name}_URL is set but LIENTHONG_{name}_API_KEY is not")
            return AgencyEndpoint(url.rstrip("/"), key)

        mode = get("MODE", "demo") or "demo"
        if mode not in {"demo", "production"}:
            raise SettingsError(f"LIENTHONG_MODE must be 'demo' or 'production', not {mode!r}")
        try:
            port = int(get("PORT", "8000") or "8000")
            timeout = float(get("ADAPTER_TIMEOUT_S", "2.0") or "2.0")
            overdue_every = float(get("OVERDUE_EVERY_S", "60") or "60")
            live_poll = float(get("LIVE_POLL_S", "1") or "1")
            gc_threshold = int(get("GC_THRESHOLD", "10000") or "0")
        except ValueError as exc:
            raise SettingsError(f"bad number in settings: {exc}") from exc
        if gc_threshold < 0:
            raise SettingsError("LIENTHONG_GC_THRESHOLD must not be negative (0: Python's default collector)")
        if live_poll <= 0:
            raise SettingsError("LIENTHONG_LIVE_POLL_S must be positive")
        try:
            circuit_failures = int(get("CIRCUIT_FAILURES", "5") or "5")
            circuit_reset = float(get("CIRCUIT_RESET_S", "10") or "10")
        except ValueError as exc:
            raise SettingsError(f"bad number in LIENTHONG_CIRCUIT_* settings: {exc}") from exc
        if circuit_failures < 0 or circuit_reset <= 0:
            raise SettingsError(
                "LIENTHONG_CIRCUIT_FAILURES must not be negative (0: no breaker), LIENTHONG_CIRCUIT_RESET_S positive"
            )
        trusted: dict[str, Path] = {}
        for item in filter(None, (get("TRUSTED_ISSUERS", "") or "").split(",")):
            issuer, sep, path = item.partition("=")
            if not sep:
                raise SettingsError("LIENTHONG_TRUSTED_ISSUERS is a comma list of issuer=/path/to/public.pem")
            trusted[issuer.strip()] = Path(path.strip())
        jwks = _jwks_issuers(get("JWKS_ISSUERS", "") or "", trusted)
        try:
            jwks_refresh = float(get("JWKS_REFRESH_S", "300") or "300")
            jwks_min_interval = float(get("JWKS_MIN_INTERVAL_S", "30") or "30")
            jwks_timeout = float(get("JWKS_TIMEOUT_S", "5") or "5")
        except ValueError as exc:
            raise SettingsError(f"bad number in LIENTHONG_JWKS_* settings: {exc}") from exc
        if min(jwks_refresh, jwks_min_interval, jwks_timeout) <= 0:
            raise SettingsError("LIENTHONG_JWKS_REFRESH_S, _MIN_INTERVAL_S and _TIMEOUT_S must be positive")
        try:
            token_leeway = int(get("TOKEN_LEEWAY_S", "30") or "30")
        except ValueError as exc:
            raise SettingsError(f"LIENTHONG_TOKEN_LEEWAY_S must be a whole number of seconds: {exc}") from exc
        if not 0 <= token_leeway <= MAX_TOKEN_LEEWAY_S:
            raise SettingsError(f"LIENTHONG_TOKEN_LEEWAY_S must be between 0 and {MAX_TOKEN_LEEWAY_S} seconds")
        try:
            grant_recheck = float(get("GRANT_RECHECK_S", "5") or "5")
        except ValueError as exc:
            raise SettingsError(f"LIENTHONG_GRANT_RECHECK_S must be a number of seconds: {exc}") from exc
        if not 0 < grant_recheck <= MAX_GRANT_RECHECK_S:
            raise SettingsError(
                f"LIENTHONG_GRANT_RECHECK_S must be more than 0 and at most {MAX_GRANT_RECHECK_S} seconds"
            )
        try:
            clock_start = at(raw_start) if (raw_start := get("CLOCK_START")) else None
        except ValueError as exc:
            raise SettingsError(f"LIENTHONG_CLOCK_START: {exc}") from exc
        try:
            earliest = date.fromisoformat(raw) if (raw := get("EARLIEST_JUDGMENT_DATE")) else EARLIEST_JUDGMENT
        except ValueError as exc:
            raise SettingsError(f"LIENTHONG_EARLIEST_JUDGMENT_DATE must be an ISO date (YYYY-MM-DD): {exc}") from exc
        date_bounds = _date_bounds(get, earliest)
        oidc, public_url = OidcSettings.from_env(env), _public_url(get("PUBLIC_URL"))
        if mode == "production" and oidc.issuer is not None and public_url is None:
            raise SettingsError(
                "LIENTHONG_OIDC_ISSUER is set: LIENTHONG_PUBLIC_URL must say where browsers reach the hub"
            )
        defaults = cls()
        return cls(
            database_url=get("DATABASE_URL", defaults.database_url) or defaults.database_url,
            mode=mode,
            host=get("HOST", defaults.host) or defaults.host,
            port=port,
            data_dir=Path(get("DATA_DIR", str(defaults.data_dir)) or defaults.data_dir),
            keys_dir=Path(get("KEYS_DIR", str(defaults.keys_dir)) or defaults.keys_dir),
            token_issuer=get("TOKEN_ISSUER", defaults.token_issuer) or defaults.token_issuer,
            token_audience=get("TOKEN_AUDIENCE", defaults.token_audience) or defaults.token_audience,
            trusted_issuers=trusted,
            jwks_issuers=jwks,
            jwks_refresh_s=jwks_refresh,
            jwks_min_interval_s=jwks_min_interval,
            jwks_timeout_s=jwks_timeout,
            token_leeway_s=token_leeway,
            grant_recheck_s=grant_recheck,
            adapter_timeout_s=timeout,
            circuit_failures=circuit_failures,
            circuit_reset_s=circuit_reset,
            overdue_every_s=overdue_every,
            live_poll_s=live_poll,
            query_limits=QueryLimits.from_env(env),
            http_limits=HttpLimits.from_env(env),
            court=endpoint("COURT"),
            enforcement=endpoint("ENFORCEMENT"),
            procuracy=endpoint("PROCURACY"),
            personnel_database_url=get("PERSONNEL_DATABASE_URL"),
            log_level=get("LOG_LEVEL", "info") or "info",
            gc_threshold=gc_threshold,
            webhooks=WebhookSettings.from_env(env),
            clock_start=clock_start,
            earliest_judgment=earliest,
            date_bounds=date_bounds,
            oidc=oidc,
            public_url=public_url,
        )

    def clock(self) -> Clock:
        """The hub's clock: the machine's time, or running on from ``clock_start``."""
        return Clock.starting_at(self.clock_start)

    def to_env(self) -> dict[str, str]:
        """The environment that reproduces these settings (for child processes)."""
        env = {
            "LIENTHONG_DATABASE_URL": self.database_url,
            "LIENTHONG_MODE": self.mode,
            "LIENTHONG_HOST": self.host,
            "LIENTHONG_PORT": str(self.port),
            "LIENTHONG_DATA_DIR": str(self.data_dir),
            "LIENTHONG_KEYS_DIR": str(self.keys_dir),
            "LIENTHONG_TOKEN_ISSUER": self.token_issuer,
            "LIENTHONG_TOKEN_AUDIENCE": self.token_audience,
            "LIENTHONG_ADAPTER_TIMEOUT_S": str(self.adapter_timeout_s),
            "LIENTHONG_CIRCUIT_FAILURES": str(self.circuit_failures),
            "LIENTHONG_CIRCUIT_RESET_S": str(self.circuit_reset_s),
            "LIENTHONG_OVERDUE_EVERY_S": str(self.overdue_every_s),
            "LIENTHONG_LIVE_POLL_S": str(self.live_poll_s),
            "LIENTHONG_GC_THRESHOLD": str(self.gc_threshold),
            **self.query_limits.to_env(),
            **self.http_limits.to_env(),
            "LIENTHONG_LOG_LEVEL": self.log_level,
            **self.webhooks.to_env(),
        }
        if self.trusted_issuers:
            env["LIENTHONG_TRUSTED_ISSUERS"] = ",".join(f"{k}={v}" for k, v in self.trusted_issuers.items())
        if self.jwks_issuers:
            env["LIENTHONG_JWKS_ISSUERS"] = ",".join(f"{k}={v}" for k, v in self.jwks_issuers.items())
        env["LIENTHONG_JWKS_REFRESH_S"] = str(self.jwks_refresh_s)
        env["LIENTHONG_JWKS_MIN_INTERVAL_S"] = str(self.jwks_min_interval_s)
        env["LIENTHONG_JWKS_TIMEOUT_S"] = str(self.jwks_timeout_s)
        env["LIENTHONG_TOKEN_LEEWAY_S"] = str(self.token_leeway_s)
        env["LIENTHONG_GRANT_RECHECK_S"] = str(self.grant_recheck_s)
        for name, ep in (("COURT", self.court), ("ENFORCEMENT", self.enforcement), ("PROCURACY", self.procuracy)):
            if ep is not None:
                env[f"LIENTHONG_{name}_URL"] = ep.base_url
                env[f"LIENTHONG_{name}_API_KEY"] = ep.api_key
        if self.personnel_database_url:
            env["LIENTHONG_PERSONNEL_DATABASE_URL"] = self.personnel_database_url
        if self.clock_start is not None:
            env["LIENTHONG_CLOCK_START"] = self.clock_start.isoformat()
        env["LIENTHONG_EARLIEST_JUDGMENT_DATE"] = self.earliest_judgment.isoformat()
        env["LIENTHONG_REPLY_BY_MAX_DAYS"] = str(self.date_bounds.reply_by_max_days)
        env["LIENTHONG_PLANNED_ON_MAX_MONTHS"] = str(self.date_bounds.planned_on_max_months)
        env["LIENTHONG_DATE_MAX_YEARS_AHEAD"] = str(self.date_bounds.max_years_ahead)
        env.update(self.oidc.to_env())
        if self.public_url is not None:
            env["LIENTHONG_PUBLIC_URL"] = self.public_url
        return env


def _date_bounds(get: Callable[[str], str | None], earliest: date) -> DateBounds:
    """The date policy's windows (domain/date_bounds.py): whole numbers of at least 1, or the defaults."""
    defaults = DateBounds()
    values: dict[str, int] = {}
    for name, attribute in (
        ("REPLY_BY_MAX_DAYS", "reply_by_max_days"),
        ("PLANNED_ON_MAX_MONTHS", "planned_on_max_months"),
        ("DATE_MAX_YEARS_AHEAD", "max_years_ahead"),
    ):
        raw = get(name)
        try:
            values[attribute] = int(raw) if raw else getattr(defaults, attribute)
        except ValueError as exc:
            raise SettingsError(f"LIENTHONG_{name} must be a whole number: {exc}") from exc
        if values[attribute] < 1:
            raise SettingsError(f"LIENTHONG_{name} must be at least 1")
    return DateBounds(earliest=earliest, **values)


def _public_url(raw: str | None) -> str | None:
    """LIENTHONG_PUBLIC_URL: an http(s) base URL without a trailing slash, or None."""
    value = (raw or "").strip().rstrip("/")
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SettingsError(f"LIENTHONG_PUBLIC_URL must be an http:// or https:// URL (got {value!r})")
    return value


_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def _jwks_issuers(raw: str, trusted: Mapping[str, Path]) -> dict[str, str]:
    """``issuer=https://…/jwks.json,…``: HTTPS, or plain HTTP to this machine only (tests, sidecars)."""
    issuers: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        issuer, sep, url = item.partition("=")
        issuer, url = issuer.strip(), url.strip()
        if not sep or not issuer or not url:
            raise SettingsError("LIENTHONG_JWKS_ISSUERS is a comma list of issuer=https://host/path/jwks.json")
        parts = urlsplit(url)
        secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS)
        if not secure or not parts.hostname:
            raise SettingsError(f"LIENTHONG_JWKS_ISSUERS: the JWKS URL of {issuer!r} must be https:// (got {url!r})")
        if issuer in trusted:
            raise SettingsError(f"issuer {issuer!r} is in both LIENTHONG_TRUSTED_ISSUERS and LIENTHONG_JWKS_ISSUERS")
        issuers[issuer] = url
    return issuers
