args: case file $ROOT/tests/golden/data/complaint-bad.json --db $DB
exit: 1
