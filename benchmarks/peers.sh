#!/usr/bin/env bash
# Side by side with the real peers (issue 11): the same pipelines ("shapes",
# org.beamsamza.benchmarks.shapes) on SamzaRunner, FlinkRunner (embedded local cluster) and
# SparkRunner (local[N]), optionally the DirectRunner, at equal parallelism, each run in its own JVM,
# the runners' order alternating over the rounds. Every run checks its answer against one computed
# without Beam. Prints each run, then markdown tables: events/s per runner and ours / best peer,
# peak heap and CPU time (medians over the rounds). Exits 1 if any run failed.
#
#   benchmarks/peers.sh                                   # all shapes, 1M events, 3 rounds
#   RUNNERS=SamzaRunner,FlinkRunner,SparkRunner,DirectRunner benchmarks/peers.sh
#   EVENTS=10000 ROUNDS=1 SHAPES=sessions,timers-state benchmarks/peers.sh
#   EVENTS=10000000 SHAPES=distinct-keys HEAP=8g benchmarks/peers.sh
#   SKIP_BUILD=1 benchmarks/peers.sh --fromLogs=/tmp/beamsamza-peers   # tables of logged runs only
#
# Environment: SHAPES (all, or names: map-filter keyed-count fixed-windows sliding-top sessions
#   auction-windows-join windowed-join large-side-input timers-state processing-time-trigger
#   distinct-keys) EVENTS (1000000) DIRECT_EVENTS (EVENTS; the DirectRunner's own count)
#   ROUNDS (3) RUNNERS (SamzaRunner,FlinkRunner,SparkRunner) PARALLELISM (2) HEAP (4g, each run's
#   -Xmx) TIMEOUT_MINUTES (30, per run) LOG_DIR (/tmp/beamsamza-peers: each run's output)
#   MAVEN_FLAGS (-o: offline; set it empty for the first build, which downloads Flink and Spark)
#   SKIP_BUILD=1 (reuse the last build)
#
# The peers' classpaths are built by the pom-only modules benchmarks/peers/{flink,spark}, in the root
# pom's "peers" profile only: no other module, nor the default build, sees Flink or Spark.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar"

if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$JAR" ]]; then
  # package (never install): the reactor builds our runner from this checkout; benchmarks copies
  # its runtime classpath (SamzaRunner, DirectRunner) to benchmarks/target/lib, and each peer
  # module copies the shapes plus its runner to benchmarks/peers/<runner>/target/lib.
  modules=runtime,kafka-system,state-backend,translation,runner,examples,kafka-io,benchmarks
  modules+=,benchmarks/peers/flink,benchmarks/peers/spark
  echo "== mvn package -Ppeers -pl $modules -DskipTests"
  mvn -B -q ${MAVEN_FLAGS--o} -f "$ROOT/pom.xml" -Ppeers -pl "$modules" package -DskipTests
fi

exec java -cp "$JAR:$ROOT/benchmarks/target/lib/*" org.beamsamza.benchmarks.shapes.PeerComparison \
  --shapes="${SHAPES:-all}" --events="${EVENTS:-1000000}" --directEvents="${DIRECT_EVENTS:-${EVENTS:-1000000}}" \
  --rounds="${ROUNDS:-3}" --runners="${RUNNERS:-SamzaRunner,FlinkRunner,SparkRunner}" \
  --parallelism="${PARALLELISM:-2}" --heap="${HEAP:-4g}" --timeoutMinutes="${TIMEOUT_MINUTES:-30}" \
  --logDir="${LOG_DIR:-/tmp/beamsamza-peers}" \
  --cp.SamzaRunner="$JAR:$ROOT/benchmarks/target/lib/*" \
  --cp.DirectRunner="$JAR:$ROOT/benchmarks/target/lib/*" \
  --cp.FlinkRunner="$ROOT/benchmarks/peers/flink/target/lib/*" \
  --cp.SparkRunner="$ROOT/benchmarks/peers/spark/target/lib/*" \
  "$@"
