#!/usr/bin/env bash
# Builds what WordCount needs and runs it with exec:java, from a fresh clone, in one command:
#
#   examples/run-wordcount.sh --inputFile=README.md --output=/tmp/wc/out
#   examples/run-wordcount.sh --runner=SamzaRunner --parallelism=2 --inputFile=README.md --output=/tmp/wc/out
#   MAIN=org.beamsamza.examples.WindowedWordCount examples/run-wordcount.sh --inputFile=README.md --output=/tmp/wwc
#
# Arguments are Beam pipeline options (--name=value, no spaces inside values). Without --runner the
# SamzaRunner is used. Relative paths are relative to the directory you run the script from.
# MAVEN_FLAGS="-o" runs Maven offline; SKIP_BUILD=1 skips the install step on repeated runs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MVN=(mvn -B -q -f "$ROOT/pom.xml" ${MAVEN_FLAGS:-})
ARGS=("$@")
case " ${ARGS[*]:-} " in
  *" --runner="*) ;;
  *) ARGS=(--runner=SamzaRunner "${ARGS[@]}") ;;
esac
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  # exec:java runs one module against the installed snapshots of the modules it depends on.
  "${MVN[@]}" install -DskipTests -pl examples -am
fi
exec "${MVN[@]}" -pl examples exec:java \
  -Dexec.mainClass="${MAIN:-org.beamsamza.examples.WordCount}" -Dexec.args="${ARGS[*]}"
