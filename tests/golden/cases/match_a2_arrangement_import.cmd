args: arrangement import $ROOT/data/samples/seekers-arrangements.jsonl --db $DB
exit: 0
