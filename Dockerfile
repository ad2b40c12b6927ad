# The one image of docker-compose.yml: the hub (`lienthong …`) and the reference agency services
# (`python -m agencies.…`). The reference data stays in /app/data; LIENTHONG_DATA_DIR and --data-dir name it.
# The browser files the hub serves (GraphiQL, React: console/assets), from the npm lockfile; no CDN at run time.
FROM node:20-slim AS assets
WORKDIR /assets
COPY console/assets/package.json console/assets/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LIENTHONG_DATA_DIR=/app/data \
    LIENTHONG_KEYS_DIR=/var/lib/lienthong/keys

WORKDIR /app
COPY pyproject.toml README.md ./
COPY adapters ./adapters
COPY agencies ./agencies
COPY console ./console
COPY --from=assets /assets/node_modules ./console/assets/node_modules
COPY domain ./domain
COPY gateway ./gateway
COPY ledger ./ledger
COPY resolvers ./resolvers
COPY schema ./schema
COPY data ./data
# editable: the code runs from /app, next to console/assets/node_modules (not Python package data)
RUN pip install -e . \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin lienthong \
    && mkdir -p /var/lib/lienthong/keys \
    && chown -R lienthong /var/lib/lienthong

USER lienthong
EXPOSE 8000
CMD ["lienthong", "serve"]
