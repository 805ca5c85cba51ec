args: country list --db $DB --json
exit: 0
