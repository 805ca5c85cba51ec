args: survey import lfs-demo $ROOT/data/samples/lfs-demo.csv.gz --codebook $ROOT/data/samples/lfs-demo.codebook.json --db $DB --json
exit: 0
compare: err
