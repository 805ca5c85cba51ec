args: match batch --top 5 --out $TMP/batch.jsonl --date 2026-12-01 --db $DB
exit: 0
