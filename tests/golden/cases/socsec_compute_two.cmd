args: socsec compute $ROOT/data/samples/socsec-two-countries.json --db $DB
exit: 0
