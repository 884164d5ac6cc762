#!/usr/bin/env bash
# Appends every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to that project's
# PublicAPI.Unshipped.txt, then sorts it. Review the diff: it is the API change.
# Usage: eng/update-public-api.sh [project.csproj ...]   (default: every project under src/)
set -euo pipefail
cd "$(dirname "$0")/.."
projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then mapfile -t projects < <(ls src/*/*.csproj); fi
for proj in "${projects[@]}"; do
  dir=$(dirname "$proj")
  # Union merges of parallel branches can leave duplicate lines: normalise first.
  for f in "$dir/PublicAPI.Shipped.txt" "$dir/PublicAPI.Unshipped.txt"; do
    { echo '#nullable enable'; grep -v '^#nullable' "$f" | grep -v '^\s*$' | sort -u; } > /tmp/api-norm.txt && cp /tmp/api-norm.txt "$f"
  done
  out=$(dotnet build "$proj" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 || true)
  grep -oP "RS0016: Symbol '\K.*?(?=' is not part of the declared public API)" <<<"$out" | sort -u > /tmp/rs0016.txt || true
  if [ -s /tmp/rs0016.txt ]; then
    file="$dir/PublicAPI.Unshipped.txt"
    { grep -v '^#nullable' "$file" || true; cat /tmp/rs0016.txt; } | sort -u > /tmp/api.txt
    { echo '#nullable enable'; cat /tmp/api.txt; } > "$file"
    echo "$proj: added $(wc -l < /tmp/rs0016.txt) symbol(s)"
  fi
  # Remove entries the analyzers report as no longer existing (RS0017).
  grep -oP "RS0017: Symbol '\K.*?(?=' is part of the declared API, but)" <<<"$out" | sort -u > /tmp/rs0017.txt || true
  if [ -s /tmp/rs0017.txt ]; then
    grep -vxF -f /tmp/rs0017.txt "$dir/PublicAPI.Unshipped.txt" > /tmp/api2.txt || true
    cp /tmp/api2.txt "$dir/PublicAPI.Unshipped.txt"
    echo "$proj: removed $(wc -l < /tmp/rs0017.txt) symbol(s)"
  fi
done
