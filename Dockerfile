# dx-audit for schedulers outside GitHub Actions (cron, Kubernetes CronJob, GitLab CI...).
#   docker build -t dx-audit .
#   docker run --rm -v "$PWD:/work" -e GITHUB_TOKEN dx-audit audit /work/my-clone
# Debian with Node.js 20; sqlite3 is compiled here, at image build time, so the
# image needs no network at run time beyond GitHub's API.

FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/dx-audit
COPY . .
# prepare compiles the CLI; sqlite3 builds from source instead of downloading a prebuilt binary
ENV npm_config_build_from_source=true
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf tests docs dist/tests dist/agent dist/collectors

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/dx-audit /opt/dx-audit
RUN ln -s /opt/dx-audit/bin/dx-audit.js /usr/local/bin/dx-audit \
 && git config --system --add safe.directory '*'
WORKDIR /work
ENTRYPOINT ["dx-audit"]
CMD ["--help"]
