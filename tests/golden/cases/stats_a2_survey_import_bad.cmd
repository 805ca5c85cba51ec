args: survey import bad $ROOT/tests/fixtures/survey/small.csv --codebook $ROOT/data/samples/lfs-demo.codebook.json --db $DB
exit: 1
