args: cost import $ROOT/data/samples/costs.jsonl --db $DB
exit: 0
