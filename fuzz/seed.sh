#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/, git-ignored) from the odd corpus.
#   sniff:            every file as is
#   decoders:         [format][file] for the AVIF/HEIC/JXL/SVG folders
#   transform, ffi:   [len][transformation][file], cycling through a few transformations
# Usage: fuzz/seed.sh [ODD_CORPUS_DIR]   (default: ../shared/corpus/odd from the crate root)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
odd="${1:-$here/../../shared/corpus/odd}"
[ -d "$odd" ] || { echo "no corpus at $odd" >&2; exit 1; }
transforms=(
  "w-300,h-300,f-webp"
  "w-300,h-300,f-jpg"
  "w-64,h-64,c-at_max,rt-90,f-png"
  "w-50,h-80,cm-pad_resize,bg-FF0000,f-gif"
  "tr:w-100,bl-5:e-sharpen,r-max,o-50"
  "w-0.5,ar-16-9,fo-center,e-grayscale,b-3_00FF00"
  ""
)
for t in sniff transform ffi decoders; do mkdir -p "$here/corpus/$t"; done
# decoders: [format byte][file] for the AVIF, HEIC, JPEG XL and SVG files (0..3, the
# target's order)
n=0
for pair in avif:0 heic:1 jxl:2 svg:3; do
  dir="$odd/${pair%%:*}"
  [ -d "$dir" ] || continue
  for f in "$dir"/*; do
    { printf "\\x0${pair##*:}"; cat "$f"; } > "$here/corpus/decoders/$(basename "$f")"
    n=$((n + 1))
  done
done
echo "seeded $n files into $here/corpus/decoders"
i=0
while IFS= read -r -d '' f; do
  case "$(basename "$f")" in README.md|MANIFEST.tsv) continue ;; esac
  name="$(basename "$f")"
  cp "$f" "$here/corpus/sniff/$name"
  tr="${transforms[$((i % ${#transforms[@]}))]}"
  for t in transform ffi; do
    { printf "\\x$(printf %02x ${#tr})"; printf '%s' "$tr"; cat "$f"; } > "$here/corpus/$t/$name"
  done
  i=$((i + 1))
done < <(find "$odd" -type f -print0 | sort -z)
echo "seeded $i files into $here/corpus/{sniff,transform,ffi}"
