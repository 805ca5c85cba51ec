args: socsec compute $ROOT/tests/golden/cases/socsec_invalidity_type_a.json --db $DB --json
exit: 0
