args: survey estimate lfs-demo --batch $ROOT/tests/fixtures/estimate/batch.json --stat mean --db $DB
exit: 2
