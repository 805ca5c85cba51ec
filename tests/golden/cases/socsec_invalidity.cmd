args: socsec compute $ROOT/data/samples/socsec-invalidity.json --db $DB
exit: 0
