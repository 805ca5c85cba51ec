args: agreement import $ROOT/tests/golden/cases/agreement_import_bad.json --db $DB
exit: 1
