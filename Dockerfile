# syntax=docker/dockerfile:1
# Build stage: every dependency, then tsc compiles src/ and migrations/ into dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts are skipped here (prepare would build before the sources are copied); the build runs below.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json tsconfig.migrations.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# Runtime stage: production dependencies only (no TypeScript, no tsx, no esbuild) and the compiled code.
FROM node:20-bookworm-slim AS runtime
# tini is PID 1: it forwards SIGTERM to node and reaps zombies (or run the image with `docker run --init`).
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# dist/migrations/ holds the compiled migrations the broker applies at start (MIGRATE_ON_START).
COPY --from=build /app/dist ./dist
# Sandbox mode keeps its embedded database here; the process runs as the unprivileged node user.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# Node flags: BROKER_NODE_FLAGS in src/cluster.ts (heap sizing, one V8 helper thread, no idle shrinking).
CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=256", "--v8-pool-size=1", "--no-memory-reducer", "--no-allocation-site-pretenuring", "dist/server.js"]
