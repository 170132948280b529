# One image for every role: api, worker and the one-shot migrate step.
# `npm ci` also bundles the API and the worker to plain JavaScript (scripts/build.mjs).
FROM node:20.20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json prisma.config.ts tsconfig.base.json tsconfig.json turbo.json ./
COPY prisma ./prisma
COPY apps ./apps
COPY packages ./packages
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund --include=dev \
 && if [ -f apps/dashboard/package.json ]; then npm run build -w @hookline/dashboard; fi
USER node
EXPOSE 3000
CMD ["node", "--enable-source-maps", "apps/api/dist/main.js"]
