#!/usr/bin/env bash
# Keep the es/pt/fr catalogues in step with the code: extract every _()/_l() string into
# messages.pot, merge it into each messages.po (new strings arrive untranslated), compile.
# Usage: bash scripts/translations.sh [update|compile]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$ROOT"
DIR=kmportal/translations
if [ "${1:-update}" = "update" ]; then
  "$VENV/bin/pybabel" -q extract -F babel.cfg -k _l -k lazy_gettext --no-location \
    --sort-output --omit-header --project kmportal -o "$DIR/messages.pot" .
  "$VENV/bin/pybabel" -q update -i "$DIR/messages.pot" -d "$DIR" --no-fuzzy-matching \
    --ignore-obsolete
fi
"$VENV/bin/pybabel" -q compile -f -d "$DIR"
for po in "$DIR"/*/LC_MESSAGES/messages.po; do
  untranslated=$("$VENV/bin/python" - "$po" <<'PY'
import sys
from babel.messages.pofile import read_po
with open(sys.argv[1], "rb") as f:
    catalog = read_po(f)
print(sum(1 for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)))
PY
)
  echo "$po: $untranslated untranslated"
done
