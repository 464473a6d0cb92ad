# Multi-stage build with the same pinned recipe as the native build (scripts/build.sh).
#   docker build -t pocket-id .
#   docker run -p 1411:1411 -v pocket-id-data:/app/data --read-only \
#     -e APP_URL=https://id.example.com -e ENCRYPTION_KEY=... pocket-id

FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
ENV CARGO_TARGET_DIR=/src/target
# Toolchain, wasm target, trunk, wasm-bindgen-cli and npm packages first: cached across code changes.
COPY rust-toolchain.toml ./
RUN rustup show active-toolchain
COPY scripts/ scripts/
COPY frontend/package.json frontend/package-lock.json frontend/
RUN ./scripts/bootstrap.sh
COPY . .
RUN ./scripts/build.sh \
 && install -D -m 0755 target/release/pocket-id /out/pocket-id \
 && install -d -o 65532 -g 65532 /out/data

# glibc, CA certificates and a non-root user; nothing else (no shell).
FROM gcr.io/distroless/cc-debian12:nonroot
WORKDIR /app
COPY --from=build /out/pocket-id /app/pocket-id
COPY --from=build --chown=65532:65532 /out/data /app/data
# Everything the server writes (SQLite database, generated key, uploads) goes under /app/data,
# so the root filesystem can be mounted read-only.
VOLUME /app/data
EXPOSE 1411
USER nonroot
HEALTHCHECK --interval=90s --timeout=5s --start-period=10s --retries=3 CMD ["/app/pocket-id", "healthcheck"]
ENTRYPOINT ["/app/pocket-id"]
