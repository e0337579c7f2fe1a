# syntax=docker/dockerfile:1
# keyhound in a container: a static binary on distroless (no shell, no package manager), non-root.
#
#   docker build -t keyhound .                          # from source (a static musl build)
#   docker run --rm -v "$PWD:/src" --user "$(id -u):$(id -g)" keyhound scan .
#
# Run it as the owner of the mounted repository (--user): git refuses repositories owned by
# someone else. The release workflow builds the image from the release binaries instead of
# compiling again: --build-arg KEYHOUND_BINARY_FROM=prebuilt with dist/docker/<arch>/keyhound.
ARG KEYHOUND_BINARY_FROM=source

FROM rust:1.85-alpine AS source
# libgit2 (vendored) and ring compile C; musl-dev gives the static C library, cmake and make
# build zlib-ng (the `zlib-ng` feature, as the release binaries). Not pinned: the rust image's
# Alpine release pins them.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev cmake make
WORKDIR /build
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY rules ./rules
ARG KEYHOUND_COMMIT=unknown
ENV KEYHOUND_COMMIT=${KEYHOUND_COMMIT}
RUN cargo build --release --locked --features zlib-ng && cp target/release/keyhound /keyhound

FROM scratch AS prebuilt
ARG TARGETARCH
COPY dist/docker/${TARGETARCH}/keyhound /keyhound

# hadolint ignore=DL3006
FROM ${KEYHOUND_BINARY_FROM} AS binary

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=binary /keyhound /usr/local/bin/keyhound
# distroless' nonroot user (numeric, so the host resolves it).
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/keyhound"]
CMD ["scan", "."]
