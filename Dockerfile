# One image for the nine OrderShop services and ordershop-client (docker-compose.yml picks the command).
# Stage 1 builds with the official Swift image; stage 2 is a slim Debian with libpq and zlib only.
ARG SWIFT_IMAGE=swift:6.3-bookworm
FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
# Dependencies first, so a source change does not fetch them again.
COPY Package.swift ./
RUN swift package resolve
COPY Shared Shared
COPY Services Services
COPY Client Client
COPY Benchmarks Benchmarks
COPY Tests Tests
RUN swift build -c release --static-swift-stdlib \
 && mkdir /staging \
 && bin="$(swift build -c release --show-bin-path)" \
 && for executable in gateway-api customer-service product-service inventory-service order-service billing-service \
       crm-service msg-service archive-service ordershop-client; do cp "$bin/$executable" /staging/; done

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 zlib1g ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home ordershop
COPY --from=build /staging/ /usr/local/bin/
USER 10001
ENV HOST=0.0.0.0
EXPOSE 5000-5008
CMD ["gateway-api"]
