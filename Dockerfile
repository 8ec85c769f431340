# syntax=docker/dockerfile:1
#
# Tránsito: one static binary on a distroless base, running as non-root.
#
#   docker build -t transito .
#   docker run -d --name transito -p 8000:8000 -v transito-data:/data \
#     -e TRANSITO_ADMIN_PASSWORD='…' -e TRANSITO_SESSION_KEY='…' transito
#
# The stylesheet (static/css/app.css) and the templ output (views/*_templ.go)
# are generated and committed, so the image needs only the Go toolchain.

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/transito ./cmd/transito \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/transito /transito
# An empty /data owned by the nonroot user (65532): a fresh named volume
# copies this ownership, so the server can create its database there.
COPY --from=build --chown=65532:65532 /out/data /data
ENV TRANSITO_DB=/data/transito.db \
    TRANSITO_ADDR=:8000
VOLUME /data
EXPOSE 8000
USER 65532:65532
# distroless has no shell or curl: the binary asks its own /readyz.
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 CMD ["/transito", "healthcheck"]
# SIGTERM (docker stop) drains requests in flight and the write queue; give
# it longer than TRANSITO_DRAIN_TIMEOUT with `docker stop -t 30`.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/transito"]
CMD ["serve"]
