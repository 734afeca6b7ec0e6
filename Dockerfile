# syntax=docker/dockerfile:1
# One Node across build, development and runtime: the build image is the exact version `npm ci` installs for
# development (the `node` devDependency in package-lock.json), the runtime the distroless image of the same major line
# (test/deploy/dockerfile-pins-one-node.test.ts checks both).
# Base images are pinned by digest. The digests were taken from public Dockerfiles pinned
# to these tags and could not be pulled or verified where this file was written. Refresh (and verify) with:
#   docker buildx imagetools inspect node:24.21.0-bookworm-slim --format '{{json .Manifest.Digest}}'
#   docker buildx imagetools inspect gcr.io/distroless/nodejs24-debian12:nonroot --format '{{json .Manifest.Digest}}'
ARG BUILD_IMAGE=node:24.21.0-bookworm-slim@sha256:2fe369e969550cde8e867afc3fe370b260140cab4a23d467074295b42163d553
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12:nonroot@sha256:14d42e2511532589a7c7e01a753667a74fcc96266e137e8125006b87b0c32d0a

# Build: install everything, type-check and compile to dist/, then drop the dev dependencies.
FROM ${BUILD_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json \
 && npm prune --omit=dev --ignore-scripts

# Run: distroless Node 24 (no shell, no package manager), production dependencies only, numeric non-root user.
# No HEALTHCHECK: Kubernetes probes /healthz and /readyz.
FROM ${RUNTIME_IMAGE}
# The package version; a release build passes it: --build-arg VERSION=$(node -p "require('./package.json').version")
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="stateguard" \
      org.opencontainers.image.description="Admission policy enforcer for Kubernetes StatefulSets" \
      org.opencontainers.image.source="https://github.com/stateguard/stateguard" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY LICENSE ./
COPY policies ./policies
COPY examples ./examples
USER 65532:65532
EXPOSE 8443 9090
# Young generation capped at 8 MiB per semi-space: under load V8 otherwise grows it to 64 MiB per semi-space and the
# process to ~265 MiB, over the Deployment's 256Mi limit; capped, it stays near 160 MiB for ~5% throughput
# (README, Benchmarks). `npm start` and `npm run bench` run the server with the same flags.
ENTRYPOINT ["/nodejs/bin/node", "--max-semi-space-size=8", "--max-old-space-size=96", "/app/dist/cli/main.js"]
CMD ["serve"]
