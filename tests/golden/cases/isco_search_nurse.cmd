args: isco search nurse --limit 5 --db $DB --json
exit: 0
