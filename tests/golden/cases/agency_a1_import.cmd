args: agency import $ROOT/data/samples/agencies.csv --db $DB
exit: 0
