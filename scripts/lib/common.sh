# Shared by scripts/start.sh and scripts/test.sh: a virtualenv with the project installed.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

pick_python() {
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "kmportal needs Python 3.11 or newer" >&2
  return 1
}

# ensure_venv EXTRAS: create .venv if needed and install the project (re-installed only when
# pyproject.toml changes).
ensure_venv() {
  local extras="$1" python stamp wanted
  if [ ! -x "$VENV/bin/python" ]; then
    python="$(pick_python)"
    say "Creating $VENV with $python"
    "$python" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
  fi
  stamp="$VENV/.kmportal-installed"
  wanted="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1) $extras"
  if [ ! -f "$stamp" ] || ! grep -qxF "$wanted" "$stamp"; then
    say "Installing kmportal${extras:+ [$extras]} and its dependencies"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
      -e "$ROOT${extras:+[$extras]}"
    echo "$wanted" >>"$stamp"
  fi
  compile_translations
}

compile_translations() {
  if compgen -G "$ROOT/kmportal/translations/*/LC_MESSAGES/messages.po" >/dev/null; then
    "$VENV/bin/pybabel" -q compile -f -d "$ROOT/kmportal/translations" >/dev/null
  fi
}

# apt_install PACKAGE... : install Debian packages that are missing (needs root or sudo).
apt_install() {
  local missing=() pkg sudo=""
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "Missing Debian packages (${missing[*]}) and no root to install them" >&2
      return 1
    fi
  fi
  say "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}
