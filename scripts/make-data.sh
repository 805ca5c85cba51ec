#!/bin/sh
# make-data.sh: how data/ was derived from the staged reference files.
#
#   scripts/make-data.sh [SRC] [DEST]
#
# SRC  the staged reference data (default /work/shared/data), each folder with a
#      PROVENANCE.txt naming source repository, path, commit and licence.
# DEST the shipped data directory (default data/ next to this script).
#
# What it does, and nothing more:
#  - copies the files lmis loads, with their PROVENANCE.txt, byte for byte;
#  - compresses the large ones with `gzip -9n` (no name or time stamp, so the
#    output is reproducible); lmis reads them as streams (zlib's gzopen);
#  - derives the ISO 639-1 language list and the ISO 4217 currency list from
#    Debian's iso-codes JSON (package iso-codes 4.15.0, LGPL-2.1-or-later) with jq.
# data/instruments.csv is written by hand (titles from ILO NORMLEX and the UN Treaty
# Collection) and is not produced here.
set -eu

SRC=${1:-/work/shared/data}
DEST=${2:-$(dirname "$0")/../data}
ISOJSON=${ISOJSON:-/usr/share/iso-codes/json}

plain() {   # plain SRCFILE DESTFILE
  mkdir -p "$(dirname "$2")"
  install -m 644 "$1" "$2"
}
packed() {  # packed SRCFILE DESTFILE(.gz)
  mkdir -p "$(dirname "$2")"
  gzip -9n -c "$1" >"$2"
}

# ISCO-08: structure (small, plain) and descriptions (multi-line text, compressed).
plain  "$SRC/isco08/PROVENANCE.txt"            "$DEST/isco08/PROVENANCE.txt"
plain  "$SRC/isco08/isco08_structure.csv"      "$DEST/isco08/isco08_structure.csv"
packed "$SRC/isco08/isco08_descriptions_en.csv" "$DEST/isco08/isco08_descriptions_en.csv.gz"

# ESCO v1.1.1: the four files lmis loads, compressed.
E="$SRC/esco-v1.1.1"
plain  "$E/PROVENANCE.txt" "$DEST/esco-v1.1.1/PROVENANCE.txt"
plain  "$E/MD5SUMS"        "$DEST/esco-v1.1.1/MD5SUMS"
for f in classification_en/occupations_en.csv classification_en/skills_en.csv \
         classification_en/conceptSchemes_en.csv relations/occupationSkillRelations.csv; do
  packed "$E/$f" "$DEST/esco-v1.1.1/$f.gz"
done

# Countries and M49 regions (small, plain).
for f in PROVENANCE.txt iso3166-1_debian_iso-codes_4.15.0.csv unsd_m49_overview_en.csv \
         unsd_m49_overview_fr.csv unsd_m49_overview_es.csv datahub_country-codes.csv; do
  plain "$SRC/countries/$f" "$DEST/countries/$f"
done

# UN ICMW ratification status (the only ratification source with a citable origin).
plain "$SRC/ratifications/PROVENANCE.txt" "$DEST/ratifications/PROVENANCE.txt"
plain "$SRC/ratifications/un_icmw_ratification_status.csv" \
      "$DEST/ratifications/un_icmw_ratification_status.csv"

# ISO 639-1 languages (the ISO 639-2 entries that have an alpha_2 code) and ISO 4217
# currencies, from Debian iso-codes. jq's @csv quotes every string.
mkdir -p "$DEST/iso-codes"
{
  echo 'alpha_2,alpha_3,bibliographic,name'
  jq -r '.["639-2"][] | select(.alpha_2) | [.alpha_2, .alpha_3, (.bibliographic // ""), .name] | @csv' \
    "$ISOJSON/iso_639-2.json"
} >"$DEST/iso-codes/iso639-1.csv"
{
  echo 'alpha_3,numeric,name'
  jq -r '.["4217"][] | [.alpha_3, .numeric, .name] | @csv' "$ISOJSON/iso_4217.json"
} >"$DEST/iso-codes/iso4217.csv"

echo "data written to $DEST"
