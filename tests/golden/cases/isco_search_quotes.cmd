args: isco search '"nurse' OR --limit 3 --db $DB --json
exit: 0
