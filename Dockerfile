# syntax=docker/dockerfile:1
#{% capture body %}
# The production image of strata: the API (`strata`, which also runs `strata migrate`)
# and the worker (`strata-worker`) in one small runtime image. See docs/deployment.md.
#
#   docker build -t strata .
#   docker run --rm -p 8080:8080 --read-only -v strata-data:/app/data strata
#
# Dependencies are compiled in their own layer (cargo-chef cooks a recipe made from the
# manifests only), so a change to the workspace sources rebuilds only the workspace crates.

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS chef
# The slim Rust image has gcc and libc6-dev, which ring and the bundled SQLite need.
RUN cargo install cargo-chef --version 0.1.78 --locked
WORKDIR /src

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /src/recipe.json recipe.json
# This layer changes only when Cargo.toml / Cargo.lock files change.
RUN cargo chef cook --release --locked --recipe-path recipe.json -p api -p worker
COPY . .
RUN cargo build --release --locked -p api -p worker --bins \
    && install -m 0755 target/release/strata target/release/strata-worker /usr/local/bin/

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
# ca-certificates for TLS to managed PostgreSQL / Redis; curl for HEALTHCHECK.
# Pinned to the release's version line, so security updates still apply.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates=2025* curl=7.88.1-10+deb12u* \
    && rm -rf /var/lib/apt/lists/*
# A fixed non-root uid/gid, so volume permissions and runAsUser agree everywhere.
RUN groupadd --system --gid 10001 strata \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home strata \
    && mkdir -p /app/data \
    && chown 10001:10001 /app/data
COPY --from=builder /usr/local/bin/strata /usr/local/bin/strata-worker /usr/local/bin/
WORKDIR /app
# Configuration comes only from the environment (STRATA_SECTION__KEY, DATABASE_URL,
# REDIS_URL, HOST, PORT). The only writable path the service needs is /app/data (the
# SQLite files of the embedded mode); run with a read-only root filesystem otherwise.
ENV HOST=0.0.0.0 \
    PORT=8080 \
    STRATA_LOG__FORMAT=json
USER 10001:10001
EXPOSE 8080
# Liveness only: /health never touches dependencies (readiness is /ready, for the proxy
# or the orchestrator). The worker overrides it (/health and /ready on its metrics port).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["/bin/sh", "-c", "curl -fsS -o /dev/null http://127.0.0.1:${PORT}/health || exit 1"]
ENTRYPOINT ["strata"]
CMD ["serve"]
# The worker: --entrypoint strata-worker. Migrations: the default entrypoint with `migrate`.{% endcapture %}{{ body | replace: "STRATA_", env_prefix | replace: "strata_", snake_prefix | replace: "strata.db", db_file | replace: "strata.toml", config_file | replace: "5432/strata", pg_db_path | replace: "Strata", project_title | replace: "strata", project_kebab }}
