args: isco list --db $DB
exit: 0
