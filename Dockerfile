# omis-taskmanager: the TaskManager.aspx server. Multi-stage: build with dev dependencies, run with
# production ones only, as the unprivileged `node` user.
#   docker build -t omis-taskmanager .
#   docker run -p 8080:8080 -e DATABASE_URL=postgresql://… omis-taskmanager            (serve)
#   docker run -e DATABASE_URL=postgresql://… omis-taskmanager migrate                   (migrations)
# Without DATABASE_URL the embedded database lives in the /data volume.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts are not needed (argon2 ships prebuilt binaries); generate and build run below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY src ./src
RUN npm run generate && npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    OMIS_DATA_DIR=/data \
    OMIS_SIMULATOR=false
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# Migrations (omis migrate, and serve on the embedded database) and the demo data (serve --demo).
COPY prisma/migrations ./prisma/migrations
COPY demo ./demo
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM reaches node directly (exec form), which finishes in-flight requests before exiting.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/omis.js"]
CMD ["serve"]
