# SVT server image. Build: docker build -t svt .   Run: see deploy/README.md.
#
# Stage 1 builds everything (better-sqlite3 compiles its native addon here:
# node:24-bookworm carries python3, make and g++), then drops the dev
# dependencies. Stage 2 is the slim runtime with only what the server runs.

FROM node:24-bookworm AS build
WORKDIR /app
COPY . .
# npm ci builds the workspaces (tsc and the CLI bundle) through `prepare`.
RUN npm ci && npm prune --omit=dev && rm -rf client/src server/src action test bench docs

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    SVT_HOST=0.0.0.0 \
    SVT_PORT=5000 \
    SVT_DB=/data/svt.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/client/package.json ./client/
COPY --from=build /app/client/dist ./client/dist
COPY --from=build /app/server/package.json ./server/
COPY --from=build /app/server/bin ./server/bin
COPY --from=build /app/server/dist ./server/dist
COPY --from=build /app/server/assets ./server/assets
# The embedded database lives on a volume owned by the unprivileged user.
RUN mkdir /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "server/bin/healthcheck.js"]
# SVT finishes requests in flight and closes the database on SIGTERM (10 s at most).
STOPSIGNAL SIGTERM
CMD ["node", "server/bin/svt-server.js"]
