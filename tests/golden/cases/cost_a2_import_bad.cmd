args: cost import $ROOT/tests/golden/cases/cost_bad.jsonl --db $DB
exit: 1
