args: socsec compute $ROOT/data/samples/socsec-totalization.json --benefit invalidity --db $DB
exit: 1
