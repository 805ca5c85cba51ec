args: review list --db $DB
exit: 0
