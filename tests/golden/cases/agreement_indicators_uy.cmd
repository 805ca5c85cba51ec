args: agreement indicators --country URY --from 2003 --to 2008 --json --db $DB
exit: 0
