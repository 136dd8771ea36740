#!/usr/bin/env bash
# Issue 12: what the metrics reporters cost. Runs one shape (a stateless map/filter by default) on
# SamzaRunner with every reporter off, then with every reporter on (JMX, the snapshot stream every
# second, the status page polled every 2 s as an open browser tab would, progress lines every
# second), alternating over the rounds, each run in its own JVM; optionally a third configuration
# from another build's classpath (OLD_CP, e.g. the build before the metrics registry existed) to
# show what the always-on counting costs. Prints every run, then the medians and their ratios.
#
#   benchmarks/metrics-overhead.sh                       # map-filter, 3M events, 5 rounds
#   EVENTS=10000000 ROUNDS=3 benchmarks/metrics-overhead.sh
#   OLD_CP="/tmp/old/benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar:/tmp/old/benchmarks/target/lib/*" \
#     benchmarks/metrics-overhead.sh
#
# Environment: SHAPE (map-filter) EVENTS (3000000) ROUNDS (5) PARALLELISM (2) HEAP (4g)
#   STATUS_PORT (18480) SKIP_BUILD=1 (reuse the last build) MAVEN_FLAGS (-o)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar"
CP="$JAR:$ROOT/benchmarks/target/lib/*"
SHAPE="${SHAPE:-map-filter}"
EVENTS="${EVENTS:-3000000}"
ROUNDS="${ROUNDS:-5}"
PARALLELISM="${PARALLELISM:-2}"
PORT="${STATUS_PORT:-18480}"

if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$JAR" ]]; then
  mvn -B -q ${MAVEN_FLAGS--o} -f "$ROOT/pom.xml" \
    -pl runtime,kafka-system,state-backend,translation,runner,examples,kafka-io,benchmarks \
    package -DskipTests
fi

OFF=(--metricsReporters= --progressLogIntervalMs=0)
ON=(--metricsReporters=jmx,snapshot --metricsSnapshotIntervalMs=1000 --statusPort="$PORT"
  --progressLogIntervalMs=1000)

# One run: prints its events/s (the RESULT line's eventsPerSec).
run() {
  local cp="$1"
  shift
  local poller=""
  if [[ " $* " == *" --statusPort="* ]]; then
    # An open browser tab: the page's JSON every 2 s while the job runs.
    (while sleep 2; do curl -s -o /dev/null "http://127.0.0.1:$PORT/status.json" || true; done) &
    poller=$!
  fi
  local line
  line=$(java -Xmx"${HEAP:-4g}" -cp "$cp" org.beamsamza.benchmarks.shapes.ShapeRun \
    --shape="$SHAPE" --events="$EVENTS" --runner=SamzaRunner --parallelism="$PARALLELISM" \
    --containers="$PARALLELISM" "$@" 2>/dev/null | grep '^RESULT' || true)
  if [[ -n "$poller" ]]; then kill "$poller" 2>/dev/null || true; wait "$poller" 2>/dev/null || true; fi
  if [[ "$line" != *"status=ok"* ]]; then
    echo "run failed: $line" >&2
    exit 1
  fi
  sed -E 's/.*eventsPerSec=([0-9.]+).*/\1/' <<<"$line"
}

declare -a off on old
for ((r = 1; r <= ROUNDS; r++)); do
  # Alternate the order each round, so a drift of the host's speed hits both alike.
  if ((r % 2)); then
    off+=("$(run "$CP" "${OFF[@]}")"); on+=("$(run "$CP" "${ON[@]}")")
  else
    on+=("$(run "$CP" "${ON[@]}")"); off+=("$(run "$CP" "${OFF[@]}")")
  fi
  if [[ -n "${OLD_CP:-}" ]]; then old+=("$(run "$OLD_CP")"); fi
  echo "round $r: off ${off[-1]} on ${on[-1]}${OLD_CP:+ old ${old[-1]}} events/s"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m_off=$(median "${off[@]}")
m_on=$(median "${on[@]}")
echo
echo "| configuration | median events/s | vs all off |"
echo "|---|---:|---:|"
printf '| all reporters off | %.0f | 1.000 |\n' "$m_off"
printf '| all reporters on | %.0f | %.3f |\n' "$m_on" "$(awk -v a="$m_on" -v b="$m_off" 'BEGIN{print a/b}')"
if [[ -n "${OLD_CP:-}" ]]; then
  m_old=$(median "${old[@]}")
  printf '| other build (OLD_CP) | %.0f | %.3f |\n' "$m_old" "$(awk -v a="$m_old" -v b="$m_off" 'BEGIN{print a/b}')"
fi
