# Sourced by run-notebooks.sh and open.sh: the Debian Python with Jupyter, JPype, pandas, matplotlib
# and networkx, and the "tribes" kernel that runs it (another python3, e.g. pyenv's, may come first
# on PATH without these packages).
NB_PYTHON=/usr/bin/python3
NB_DEBS=(python3-jpype jupyter-nbconvert python3-nbconvert python3-nbclient python3-nbformat python3-ipykernel
         python3-pandas python3-matplotlib python3-networkx)

nb_have_packages() {
  [[ -x $NB_PYTHON ]] && [[ -f /usr/share/java/org.jpype.jar ]] \
    && "$NB_PYTHON" -c 'import jpype, nbconvert, nbclient, nbformat, ipykernel, pandas, matplotlib, networkx' 2>/dev/null
}

# Installs the Debian packages when missing (root or sudo); a no-op when they are there.
nb_install_packages() {
  local extra=("$@")
  if nb_have_packages && { [[ ${#extra[@]} == 0 ]] || dpkg -s "${extra[@]}" >/dev/null 2>&1; }; then return 0; fi
  local sudo=()
  [[ $(id -u) == 0 ]] || sudo=(sudo)
  echo "notebooks: installing ${NB_DEBS[*]} ${extra[*]}" >&2
  "${sudo[@]}" apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${NB_DEBS[@]}" "${extra[@]}" >&2
}

# Builds the project when needed (bin/tribes does: lib jar, job jar, .tribes/classpath.txt).
nb_build() {
  local log
  log=$(mktemp)
  if ! "$1/bin/tribes" --help >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  grep -v '^usage:\|^  ' "$log" >&2 || true
  rm -f "$log"
}

# The "tribes" kernel spec, under .tribes/jupyter (put on JUPYTER_PATH).
nb_kernel() {
  local root=$1 dir="$1/.tribes/jupyter/kernels/tribes"
  mkdir -p "$dir"
  cat >"$dir/kernel.json" <<JSON
{
 "argv": ["$NB_PYTHON", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
 "display_name": "Tribes (Python 3, Spark via JPype)",
 "language": "python",
 "env": {"PYTHONPATH": "$root/notebooks", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
}
JSON
  export JUPYTER_PATH="$root/.tribes/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
}
