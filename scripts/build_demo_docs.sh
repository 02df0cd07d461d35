#!/usr/bin/env bash
# Rebuild the generated files of the bundled demo sites (ita_checker/demo/sites/<site>/www/).
#
#   scripts/demo_docs/<site>/pages/...      page fragments + _layout.html  -> www/<same path>
#                                            (render_pages.py; the อบต. site is written in windows-874)
#   scripts/demo_docs/<site>/docs/<dir>/X.html   document sources          -> www/<dir>/X.pdf
#                                            (LibreOffice; X-scan.html becomes an image-only PDF)
#
# Needs: soffice (Debian libreoffice-writer-nogui), fonts-thai-tlwg, and the project venv
# (pymupdf, pillow). Usage: scripts/build_demo_docs.sh [site ...]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
SRC="$ROOT/scripts/demo_docs"
DEST="$ROOT/ita_checker/demo/sites"

if ! command -v soffice >/dev/null 2>&1; then
  echo "build_demo_docs: soffice not found (apt-get install libreoffice-writer-nogui)" >&2
  exit 1
fi

if [ "$#" -gt 0 ]; then
  SITES=("$@")
else
  SITES=()
  for d in "$SRC"/*/; do SITES+=("$(basename "$d")"); done
fi

# A private LibreOffice profile, so a running office instance cannot swallow the conversion.
PROFILE="$(mktemp -d)"
trap 'rm -rf "$PROFILE"' EXIT

echo "== pages"
"$PY" "$SRC/render_pages.py" "${SITES[@]}"

shopt -s nullglob
for site in "${SITES[@]}"; do
  docs="$SRC/$site/docs"
  [ -d "$docs" ] || continue
  echo "== documents: $site"
  pairs=()
  while IFS= read -r -d '' dir; do
    sources=("$dir"/*.html)
    [ "${#sources[@]}" -gt 0 ] || continue
    rel="${dir#"$docs"}"
    out="$DEST/$site/www$rel"
    mkdir -p "$out"
    soffice -env:UserInstallation="file://$PROFILE" --headless \
      --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export \
      --outdir "$out" "${sources[@]}" 2>&1 | grep -v -e javaldx -e '^$' -e '^convert ' -e '^Overwriting' || true
    for f in "${sources[@]}"; do
      pairs+=("$f" "$out/$(basename "${f%.html}").pdf")
    done
  done < <(find "$docs" -type d -print0 | sort -z)
  if [ "${#pairs[@]}" -gt 0 ]; then
    "$PY" "$SRC/finish_pdfs.py" "${pairs[@]}"
  fi
done

echo "== size check"
status=0
while IFS= read -r -d '' pdf; do
  size=$(stat -c %s "$pdf")
  if [ "$size" -ge 61440 ]; then
    echo "WARNING: $pdf is $((size / 1024)) KB (limit 60 KB)" >&2
    status=1
  fi
done < <(find "$DEST" -name '*.pdf' -print0)
total=$(du -sb "$DEST" | cut -f1)
echo "demo sites total: $((total / 1024)) KB (limit 2048 KB)"
if [ "$total" -ge 2097152 ]; then
  echo "WARNING: demo sites is larger than 2 MB" >&2
  status=1
fi
exit "$status"
