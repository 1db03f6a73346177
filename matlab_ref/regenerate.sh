#!/usr/bin/env bash
# Regenerate every parity fixture and the MANIFEST in parity_tests/fixtures/.
#
#   matlab_ref/regenerate.sh /path/to/code_matlab [octave|matlab]
#
# 1. export the original networks and local dimensions to build/networks
#    (.mat; reads ../shared/reference/original or $OPDIMS_ORIGINAL_DATA),
# 2. run the original code through matlab_ref/make_all_fixtures.m,
# 3. write parity_tests/fixtures/MANIFEST.
set -euo pipefail
cd "$(dirname "$0")/.."

code_matlab=$(cd "${1:?usage: $0 /path/to/code_matlab [octave|matlab]}" && pwd)
interpreter=${2:-octave}
original=${OPDIMS_ORIGINAL_DATA:-../shared/reference/original}

python3 matlab_ref/export_networks.py --original "$original" --out build/networks
call="addpath('matlab_ref'); make_all_fixtures('$code_matlab', 'build/networks', 'parity_tests/fixtures')"
case "$interpreter" in
    octave) octave-cli --no-gui --quiet --eval "$call" ;;
    matlab) matlab -batch "$call" ;;
    *) echo "unknown interpreter: $interpreter" >&2; exit 2 ;;
esac
python3 matlab_ref/write_manifest.py --code-matlab "$code_matlab"
