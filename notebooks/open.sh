#!/usr/bin/env bash
# Opens the notebooks in Jupyter Notebook with the "tribes" kernel (Debian Python + JPype + the
# project's jars):
#   notebooks/open.sh [WAREHOUSE] [JUPYTER OPTIONS...]
# WAREHOUSE: a local directory or s3a://bucket/prefix (default: the notebooks' own default, warehouse/).
# Installs the Debian packages when missing (root or sudo) and builds the project when needed.
# Another Jupyter (e.g. JupyterLab) can use the same kernel: JUPYTER_PATH=$PWD/.tribes/jupyter.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/notebooks/env.sh"
nb_install_packages jupyter-notebook
nb_build "$root"
nb_kernel "$root"
if [[ $# -gt 0 && $1 != -* ]]; then
  case $1 in *://*) export TRIBES_WAREHOUSE=$1 ;; *) export TRIBES_WAREHOUSE="$(cd "$1" && pwd)" ;; esac
  shift
fi
echo "notebooks: warehouse ${TRIBES_WAREHOUSE:-$root/warehouse (default)}; kernel 'tribes'" >&2
extra=()
[[ $(id -u) != 0 ]] || extra+=(--allow-root)
cd "$root/notebooks"
exec "$NB_PYTHON" -m notebook --notebook-dir="$root/notebooks" "${extra[@]}" "$@"
