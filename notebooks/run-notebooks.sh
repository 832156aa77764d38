#!/usr/bin/env bash
# Executes every notebook headless against a small generated warehouse and checks the results:
#   notebooks/run-notebooks.sh [--warehouse PATH]   (default: build one under target/notebooks)
# 1. installs the Debian packages (Jupyter, JPype, pandas, matplotlib, networkx) when missing;
# 2. builds the project (bin/tribes) and, unless --warehouse is given, a warehouse of 3 consecutive
#    runs: bin/tribes generate-sample --consecutive-days 3, then bin/tribes nightly per day;
# 3. runs each notebooks/*.ipynb with jupyter nbconvert --execute (TRIBES_WAREHOUSE set), writing
#    the executed copies and their PNGs to target/notebooks/executed/;
# 4. fails if a cell errored or a cell tagged "plot" has no image/png output (check_executed.py).
# Environment: NB_MEMBERS (default 2000), NB_DAYS (sample window, default 14), NB_TIMEOUT (per cell, s).
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
if [[ -z $warehouse ]]; then
  rm -rf "$out/data" "$out/warehouse"
  mkdir -p "$out"
  # days 2026-11-01..03; the run of day D covers the window ending with D, so its run date is D+1
  bin/tribes generate-sample --members "${NB_MEMBERS:-2000}" --days "${NB_DAYS:-14}" --seed 42 \
    --end-date 2026-11-04 --consecutive-days 3 --out "$out/data" | tail -n 1
  lap "sample generated"
  for day in 01 02 03; do
    bin/tribes nightly --config notebooks/ci-config.yaml --input "$out/data/day=2026-11-$day" \
      --run-date "2026-11-$(printf %02d $((10#$day + 1)))" --warehouse "$out/warehouse"
  done
  warehouse="$out/warehouse"
  lap "warehouse built"
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
lap "notebooks done (executed copies and PNGs in ${executed#"$root"/})"
exit $status
