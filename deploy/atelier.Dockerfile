# syntax=docker/dockerfile:1
# Atelier itself: the API server, the web console and the CLI. Build from the repository's root:
#   docker build -f deploy/atelier.Dockerfile -t <registry>/atelier:<tag> .
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source; onnxruntime-node must not download its CUDA extras.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
ENV ONNXRUNTIME_NODE_INSTALL=skip
# npm ci's prepare step builds the CLI bundle and the web console; the dev tools go afterwards.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# python3 and bubblewrap serve the local executor (docker-compose.yml); on Kubernetes the workloads run in pods.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv bubblewrap \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /var/lib/atelier && chown 1000:1000 /var/lib/atelier
ENV NODE_ENV=production \
    ATELIER_HOST=0.0.0.0 \
    ATELIER_PORT=8000 \
    ATELIER_DATA_DIR=/var/lib/atelier
USER 1000:1000
EXPOSE 8000
CMD ["node", "bin/atelier.mjs", "serve"]
