args: isco show 0110 --db $DB --json
exit: 0
