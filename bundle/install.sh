#!/bin/sh
# juesuan offline install on Linux: a virtual environment beside this script, from the wheels in ./wheels.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { echo "需要 Python 3.11 或更高版本" >&2; exit 2; }
"$PY" -m venv "$HERE/venv"
"$HERE/venv/bin/pip" install --quiet --no-index --find-links "$HERE/wheels" juesuan
echo "安装完成：$HERE/venv/bin/juesuan check 决算.xlsx --out 决算.checked.xlsx"
