args: isco list --parent 22 --level 3 --db $DB --json
exit: 0
