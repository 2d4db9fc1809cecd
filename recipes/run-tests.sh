#!/usr/bin/env bash
# The Python tests of recipes/: parity of the losses with the engine, and every exported recipe
# trained for 2 steps on tiny models. Creates recipes/.venv with the pinned packages the first
# time (about 5 GB: PyPI's torch carries CUDA libraries), reuses it after.
set -euo pipefail
cd "$(dirname "$0")"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import trl, pytest' 2>/dev/null; then
  started=$SECONDS
  echo "creating recipes/.venv with $($PY --version)"
  "$PY" -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt </dev/null
  echo "recipes/.venv installed in $((SECONDS - started)) s, $(du -sh .venv | cut -f1)"
fi
export TRL_EXPERIMENTAL_SILENCE=1 HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python -m pytest tests -q -p no:cacheprovider "$@"
