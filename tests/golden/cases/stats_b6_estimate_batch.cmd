args: survey estimate lfs-demo --batch $ROOT/tests/fixtures/estimate/batch.json --json --db $DB
exit: 0
