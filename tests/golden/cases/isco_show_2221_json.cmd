args: isco show 2221 --db $DB --json
exit: 0
