#!/usr/bin/env bash
# Executes every notebook headless against a small generated warehouse and checks the results:
#   notebooks/run-notebooks.sh [--warehouse PATH]   (default: build one under target/notebooks)
# 1. installs the Debian packages (Jupyter, JPype, pandas, matplotlib, networkx) when missing;
# 2. builds the project (bin/tribes) and, unless --warehouse is given, a warehouse of NB_RUNS
#    consecutive runs: bin/tribes generate-sample --consecutive-days NB_RUNS, then bin/tribes nightly
#    per day (config notebooks/ci-config.yaml);
# 3. runs each notebooks/*.ipynb with jupyter nbconvert --execute (TRIBES_WAREHOUSE set), writing
#    the executed copies and their PNGs to target/notebooks/executed/;
# 4. fails if a cell errored or a cell tagged "plot" has no image/png output (check_executed.py).
# Environment: NB_MEMBERS (default 2000), NB_DAYS (sample window, default 14), NB_RUNS (consecutive
# runs, default 2), NB_TIMEOUT (per cell, s).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source notebooks/env.sh
out="$root/target/notebooks"
warehouse=""
if [[ ${1:-} == --warehouse ]]; then warehouse=${2:?--warehouse needs a path}; fi
t0=$SECONDS
lap() { echo "notebooks: $1 ($((SECONDS - t0)) s so far)"; }

nb_install_packages
lap "packages ready"
nb_build "$root"
lap "project built"

export TRIBES_DRIVER_MEMORY=${TRIBES_DRIVER_MEMORY:-2g}
export TRIBES_LOG_CONFIG="$root/notebooks/log4j2.properties"
export TRIBES_JAVA_OPTS="${TRIBES_JAVA_OPTS:-} -Dspark.ui.showConsoleProgress=false"
if [[ -z $warehouse ]]; then
  rm -rf "$out/data" "$out/warehouse"
  mkdir -p "$out"
  runs=${NB_RUNS:-2}
  end=2026-11-10
  # days end-runs .. end-1; the day directory D holds the window ending with D (inclusive), so the
  # run that covers it has run date D+1
  bin/tribes generate-sample --members "${NB_MEMBERS:-2000}" --days "${NB_DAYS:-14}" --seed 42 \
    --end-date "$end" --consecutive-days "$runs" --out "$out/data" | tail -n 1
  lap "sample generated"
  for ((i = runs; i >= 1; i--)); do
    day=$(date -u -d "$end - $i day" +%F)
    bin/tribes nightly --config notebooks/ci-config.yaml --input "$out/data/day=$day" \
      --run-date "$(date -u -d "$day + 1 day" +%F)" --warehouse "$out/warehouse"
    lap "run $(date -u -d "$day + 1 day" +%F) published"
  done
  warehouse="$out/warehouse"
fi

nb_kernel "$root"
export TRIBES_WAREHOUSE="$warehouse"
export MPLBACKEND=Agg
executed="$out/executed"
rm -rf "$executed"
mkdir -p "$executed"
status=0
for nb in notebooks/*.ipynb; do
  name=$(basename "$nb")
  s=$SECONDS
  if ! (cd notebooks && "$NB_PYTHON" -m nbconvert --to notebook --execute \
      --ExecutePreprocessor.kernel_name=tribes --ExecutePreprocessor.timeout="${NB_TIMEOUT:-900}" \
      --output-dir "$executed" "$name"); then
    echo "notebooks: $name failed" >&2
    status=1
  fi
  echo "notebooks: $name executed in $((SECONDS - s)) s"
done
"$NB_PYTHON" notebooks/check_executed.py "$executed"/*.ipynb || status=1
"$NB_PYTHON" notebooks/check_executed.py --cleared notebooks/*.ipynb || status=1
lap "notebooks done (executed copies and PNGs in ${executed#"$root"/})"
exit $status
