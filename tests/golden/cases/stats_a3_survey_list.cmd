args: survey list --db $DB
exit: 0
