# Tick-Storm server image.
#
#   docker build -t tick-storm:1.0.0 .
#   docker run --rm --read-only --tmpfs /tmp:rw,exec,nosuid,nodev -p 8080:8080 -p 9090:9090 tick-storm:1.0.0
#
# Build stage: the Maven wrapper builds the server and the CLI client from source (tests run in CI,
# not here). Runtime stage: a JRE and two jars, run as the non-root user 65532; the root filesystem
# may be read-only, because everything the JVM and Netty write goes to /tmp, which the runtime
# mounts (an emptyDir in k8s/deployment.yaml; exec must be allowed, Netty loads its native
# transport and BoringSSL from there).

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# One COPY of the context, which .dockerignore trims to the Maven wrapper, the poms and the sources;
# the wrapper downloads Maven and the dependencies from Maven Central.
COPY . .
RUN ./mvnw -B -q -DskipTests -pl server -am package \
    && cp server/target/tick-storm-server.jar protocol/target/tick-storm-client.jar /

FROM eclipse-temurin:17-jre
LABEL org.opencontainers.image.title="tick-storm" \
      org.opencontainers.image.description="Tick-Storm market tick streaming server (Java 17, Netty)" \
      org.opencontainers.image.version="1.0.0"
# Owned by root, readable by all: user 65532 can run the jars but not change them.
COPY --from=build /tick-storm-server.jar /tick-storm-client.jar /opt/tick-storm/
WORKDIR /opt/tick-storm
USER 65532:65532
EXPOSE 8080 9090
# Two glibc malloc arenas instead of one per core and thread: BoringSSL's many small per-connection
# allocations then fragment less, 1.4 KiB less RSS per idle TLS subscriber and a lower peak under load at no
# measured latency cost (bench/RESULTS.md, "Memory per connection").
ENV MALLOC_ARENA_MAX=2
# JVM sizing from the container, never a fixed -Xmx (the Go original's GOMEMLIMIT/GOMAXPROCS):
# - MaxRAMPercentage=50: heap = half the memory limit (1 GiB of 2 GiB); the other half holds Netty's
#   direct buffers (the server derives their cap from the cgroup limit), metaspace, code cache and
#   thread stacks. The JVM reads the CPU quota by itself, and so does the server for its event loops.
# - G1PeriodicGCInterval: an idle heap is given back to the OS, so the HPA's memory metric follows load.
# - ExitOnOutOfMemoryError: a JVM out of memory is restarted by the kubelet rather than limping on.
# - /tmp for the temp dir, Netty's native library extraction and crash logs: the rest is read-only.
ENTRYPOINT ["java", \
    "-XX:MaxRAMPercentage=50.0", \
    "-XX:+UseG1GC", \
    "-XX:G1PeriodicGCInterval=60000", \
    "-XX:+ExitOnOutOfMemoryError", \
    "-XX:ErrorFile=/tmp/hs_err_pid%p.log", \
    "-Djava.io.tmpdir=/tmp", \
    "-Dio.netty.native.workdir=/tmp", \
    "-jar", "/opt/tick-storm/tick-storm-server.jar"]
