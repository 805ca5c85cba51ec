args: socsec compute $ROOT/data/samples/socsec-survivors.json --db $DB
exit: 0
