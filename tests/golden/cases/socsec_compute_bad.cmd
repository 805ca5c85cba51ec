args: socsec compute $ROOT/data/samples/socsec-bad.json --db $DB
exit: 1
