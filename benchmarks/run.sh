#!/usr/bin/env bash
# Builds the benchmarks and runs them, printing the results:
#   1. GenerateText: a deterministic text of $TEXT_MB MB (kept in $WORK_DIR and reused)
#   2. WordCountBenchmark on it                                  (JVM flag $WC_HEAP, default -Xmx2g)
#   3. GroupByKeyBenchmark: $GBK_N elements over $GBK_KEYS keys  (JVM flag $GBK_HEAP, default -Xmx1g)
# Each benchmark runs every runner of $RUNNERS in one JVM, alternating the order over $ROUNDS rounds,
# checks every run's output (and that the runners agree), and the script exits 1 if anything failed.
#
#   benchmarks/run.sh                          # SamzaRunner vs DirectRunner, 10 MB text, 1M KVs
#   ROUNDS=3 benchmarks/run.sh --parallelism=2 # extra args go to every runner's PipelineOptions
#   RUNNERS=SamzaRunner TEXT_MB=100 GBK_N=10000000 benchmarks/run.sh   # full size, our runner only
#
# The defaults are sized for the DirectRunner, our baseline: on 2 cores it does ~4k words/s and
# ~4k GroupByKey elements/s (one run of each default takes it ~4-6 minutes), and it runs out of
# memory at 10M KVs with -Xmx1g. The benchmark programs' own defaults (100 MB, 10M) are for our runner.
#
# Environment: RUNNERS (SamzaRunner,DirectRunner) ROUNDS (1) TEXT_MB (10) GBK_N (1000000)
#   GBK_KEYS (100000) WC_HEAP (-Xmx2g) GBK_HEAP (-Xmx1g) WORK_DIR (/tmp/beamsamza-bench)
#   ONLY (wordcount | gbk: run one benchmark; restore: RestoreBenchmark only, args in $RESTORE_ARGS;
#         kafka: KafkaCountBenchmark ($KAFKA_ARGS) and RestoreBenchmark with memory and Kafka changelogs) MAVEN_FLAGS (e.g. -o) SKIP_BUILD=1 (reuse the last build)
#   LOG_LEVEL (warn; info shows the runners' plans)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNNERS="${RUNNERS:-SamzaRunner,DirectRunner}"
ROUNDS="${ROUNDS:-1}"
TEXT_MB="${TEXT_MB:-10}"
GBK_N="${GBK_N:-1000000}"
GBK_KEYS="${GBK_KEYS:-100000}"
WC_HEAP="${WC_HEAP:--Xmx2g}"
GBK_HEAP="${GBK_HEAP:--Xmx1g}"
WORK_DIR="${WORK_DIR:-/tmp/beamsamza-bench}"
ONLY="${ONLY:-all}"
MVN=(mvn -B -q -f "$ROOT/pom.xml" ${MAVEN_FLAGS:-})
JAR="$ROOT/benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar"

if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$JAR" ]]; then
  # package (not install): the reactor builds the runner and examples from this checkout, and
  # the benchmarks module copies every runtime dependency to benchmarks/target/lib.
  echo "== mvn -q package -pl benchmarks -am -DskipTests"
  "${MVN[@]}" package -pl benchmarks -am -DskipTests
fi
CP="$JAR:$ROOT/benchmarks/target/lib/*"

mkdir -p "$WORK_DIR"
# slf4j-simple at warn: the runners' INFO lines (plans, file moves) would bury the results.
run() { echo; echo "== java $*"; java -Dorg.slf4j.simpleLogger.defaultLogLevel="${LOG_LEVEL:-warn}" "$@"; }
status=0

if [[ "$ONLY" == all || "$ONLY" == wordcount ]]; then
  TEXT="$WORK_DIR/text-${TEXT_MB}mb.txt"
  if [[ ! -f "$TEXT" ]]; then
    run -cp "$CP" org.beamsamza.benchmarks.GenerateText --output="$TEXT" --sizeMb="$TEXT_MB" --seed=42
  fi
  run $WC_HEAP -cp "$CP" org.beamsamza.benchmarks.WordCountBenchmark \
    --inputFile="$TEXT" --runners="$RUNNERS" --rounds="$ROUNDS" --workDir="$WORK_DIR" "$@" || status=1
fi

if [[ "$ONLY" == all || "$ONLY" == gbk ]]; then
  run $GBK_HEAP -cp "$CP" org.beamsamza.benchmarks.GroupByKeyBenchmark \
    --n="$GBK_N" --keys="$GBK_KEYS" --runners="$RUNNERS" --rounds="$ROUNDS" --workDir="$WORK_DIR" "$@" || status=1
fi
if [[ "$ONLY" == restore ]]; then
  # Changelog restore throughput (see docs/benchmarks.md); not part of "all".
  run -Xmx4g -cp "$CP" org.beamsamza.benchmarks.RestoreBenchmark ${RESTORE_ARGS:-} || status=1
fi
if [[ "$ONLY" == kafka ]]; then
  # Kafka (issue 9; see docs/benchmarks.md), each on an in-process broker; not part of "all":
  # the keyed count vs the raw broker, then restore from an in-memory and a Kafka changelog.
  run -Xmx4g -cp "$CP" org.beamsamza.benchmarks.KafkaCountBenchmark ${KAFKA_ARGS:---rounds=3} || status=1
  run -Xmx4g -cp "$CP" org.beamsamza.benchmarks.RestoreBenchmark \
    ${RESTORE_ARGS:---records=200000 --valueBytes=1000 --rounds=3} --changelogs=memory,kafka || status=1
fi
exit $status
