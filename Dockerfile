# omis-taskmanager: the TaskManager.aspx server, on Node.js 24 LTS (docs/DEPLOYMENT.md says why).
# The production recipe: build with dev dependencies, install production dependencies on their own,
# and assemble a runtime of only what `omis` needs, run as the unprivileged `node` user.
# CI runs these same COPY and RUN steps outside Docker (scripts/ci/production-recipe.sh), so keep
# them plain: one WORKDIR /app per stage, shell-form COPY and RUN.
#   docker build -t omis-taskmanager .
#   docker run -p 127.0.0.1:8080:8080 -e DATABASE_URL=postgresql://… omis-taskmanager          (serve)
#   docker run -e DATABASE_URL=postgresql://… omis-taskmanager migrate                          (migrations)
#   docker run -e DATABASE_URL=postgresql://… omis-taskmanager account add --login …            (first account)
# Without DATABASE_URL the embedded database lives in the /data volume.

# 1. Build: every dependency, then the Prisma client, dist/ and the migrated embedded-database
#    template. Install scripts wait until the sources are in: build:all is what they would run.
FROM node:24-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY src ./src
RUN npm run build:all

# 2. Production dependencies alone, installed afresh from the lockfile. --omit=optional as well:
#    @prisma/client names the Prisma CLI and TypeScript as optional peers, so npm keeps those dev
#    dependencies in a plain --omit=dev install. argon2's install script finds its prebuilt binary.
FROM node:24-trixie-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/postinstall.mjs ./scripts/
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund

# 3. Runtime: compiled code (with the generated Prisma client and the embedded template), the
#    production node_modules, the migrations and the demo data. Owned by root, read-only to `node`.
FROM node:24-trixie-slim
# A young generation four times Node's default: the page's garbage dies young instead of being
# promoted and marked again (docs/PERFORMANCE.md#runtime-flags); replace NODE_OPTIONS to change it.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 OMIS_DATA_DIR=/data OMIS_SIMULATOR=false NODE_OPTIONS=--max-semi-space-size=64
WORKDIR /app
COPY package.json ./
COPY bin ./bin
COPY prisma/migrations ./prisma/migrations
COPY demo ./demo
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM reaches node directly (exec form), which finishes in-flight requests before exiting.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/omis.js"]
CMD ["serve"]
