#!/usr/bin/env bash
# The Python tests of recipes/: parity of the losses with the engine, and every exported recipe
# trained for 2 steps on tiny models, from the page's zip unpacked in a temporary folder. Creates
# recipes/.venv with the pinned packages the first time (about 5 GB: PyPI's torch carries CUDA
# libraries), reuses it after, and installs the pins again when requirements.txt has changed.
set -euo pipefail
cd "$(dirname "$0")"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "creating recipes/.venv with $($PY --version)"
  "$PY" -m venv .venv
fi
# Every pin of requirements.txt installed at its version? (importlib.metadata; no network.)
pins_ok() {
  .venv/bin/python - <<'PYTHON'
import re, sys
from importlib.metadata import PackageNotFoundError, version
wrong = []
for line in open("requirements.txt"):
    m = re.match(r"^\s*([A-Za-z0-9_.-]+)==(\S+)", line)
    if not m:
        continue
    try:
        have = version(m[1])
    except PackageNotFoundError:
        have = None
    if have != m[2]:
        wrong.append(f"{m[1]} {have or 'missing'} (pinned {m[2]})")
if wrong:
    print("recipes/.venv differs from requirements.txt: " + ", ".join(wrong))
    sys.exit(1)
PYTHON
}
if ! pins_ok; then
  started=$SECONDS
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt </dev/null
  pins_ok
  echo "recipes/.venv installed in $((SECONDS - started)) s, $(du -sh .venv | cut -f1)"
fi
export TRL_EXPERIMENTAL_SILENCE=1 HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python -m pytest tests -q -p no:cacheprovider "$@"
