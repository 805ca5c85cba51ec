args: agency import $ROOT/tests/golden/cases/agency_bad.csv --db $DB
exit: 1
