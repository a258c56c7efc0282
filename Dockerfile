# One image for every codex-vertx service (sandbox, notifier, agent, gateway): docker-compose.yml
# starts it once per service with a different command.
#
#   docker build -t codex-vertx .        (or: docker compose build)
#
# Stage 1 builds the shaded jar with Maven; stage 2 is a JRE with that jar and nothing else,
# running as an unprivileged user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# the tests need Landlock, tmux, npm tools and more: CI runs them (.ci/run); the image only builds
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package \
    && cp cli/target/codex.jar /codex.jar

FROM eclipse-temurin:17-jre
# git: agents read repository roots and the model runs git in the workspace; bash/perl for commands
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends git perl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 --shell /bin/bash codex \
    && mkdir -p /codex-home /workspace /opt/codex /cluster-tls \
    && chown codex:codex /codex-home /workspace /cluster-tls
COPY --from=build /codex.jar /opt/codex/codex.jar
# docker-compose's cluster-tls service runs it once: the event bus's TLS folder (README.md)
COPY docker/cluster-tls.sh /opt/codex/cluster-tls.sh
USER codex
WORKDIR /workspace
ENV CODEX_HOME=/codex-home
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", "/opt/codex/codex.jar"]
CMD ["--help"]
