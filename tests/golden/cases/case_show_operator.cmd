args: case show 1 --db $DB
exit: 1
