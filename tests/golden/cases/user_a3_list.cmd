args: user list --db $DB
exit: 0
