args: socsec compute $ROOT/data/samples/socsec-overlap.json --db $DB --json
exit: 0
