#!/bin/sh
# Seeds fuzz/corpus/check_bytes with every sample file. The first byte of a fuzz input picks
# the file name (index into NAMES in fuzz_targets/check_bytes.rs): each sample gets the index of
# its kind letter, so that the name-dependent rules (F009, F010) see a matching name.
set -eu
cd "$(dirname "$0")/.."
corpus=fuzz/corpus/check_bytes
mkdir -p "$corpus"
n=0
find samples tests/regressions -type f \( -name '*.xml' -o -name '*.XML' \) 2>/dev/null | sort | while read -r f; do
    case "$(basename "$f")" in
        R*) pick='\000' ;;
        S*) pick='\001' ;;
        B*) pick='\002' ;;
        *) pick='\004' ;;
    esac
    n=$((n + 1))
    { printf "$pick"; cat "$f"; } > "$corpus/seed-$n"
done
echo "seeded $(ls "$corpus" | wc -l) inputs into $corpus"
