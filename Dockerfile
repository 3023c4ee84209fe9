# Multi-stage build: the first stage installs everything, compiles src/ to
# dist/ (tsc) and renders the docs page; the runtime stage carries production
# dependencies and those outputs only, and runs plain node (no TypeScript loader).
# Not built by CI (no container engine here): the service it runs is what the
# process tests start, behind nginx in test/load-balancer.test.ts.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# scripts/ holds the postinstall patch for postgres.js (see scripts/patch-postgres.mjs).
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run -s build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# dist/ sits where src/ would: it finds the spec, the docs page and the
# migrations at ../openapi, ../build and ../drizzle, as src/ does.
COPY openapi/openapi.yaml ./openapi/openapi.yaml
COPY drizzle ./drizzle
COPY --from=build /app/dist ./dist
COPY --from=build /app/build ./build
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node directly (not npm start), so SIGTERM reaches the service and it shuts down gracefully.
CMD ["node", "dist/server.js"]
