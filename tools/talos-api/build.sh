#!/usr/bin/env bash
# Writes the Talos API descriptor set the simulator serves (.tools/share/talos-api.pb) from the
# machinery and COSI runtime Go modules pinned in this directory's go.mod.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${TALOS_API_DESCRIPTORS:-$root/.tools/share/talos-api.pb}"
mkdir -p "$(dirname "$out")"
cd "$here"
# -mod=readonly: the pinned go.sum decides the versions; a drifted go.mod fails instead of updating.
go run -mod=readonly . "$out.tmp"
mv "$out.tmp" "$out"
