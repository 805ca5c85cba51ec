args: seeker import $ROOT/data/samples/seekers.jsonl --json --db $DB
exit: 0
