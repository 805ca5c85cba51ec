args: survey estimate lfs-demo --batch $ROOT/tests/fixtures/estimate/batch_bad.json --json --db $DB
exit: 1
