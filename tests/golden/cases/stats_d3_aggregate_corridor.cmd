args: aggregate list --area ITA --counterpart PHL --db $DB --json
exit: 0
