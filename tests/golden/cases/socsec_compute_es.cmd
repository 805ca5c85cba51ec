args: socsec compute $ROOT/data/samples/socsec-below-minimum.json --db $DB --lang es
exit: 0
