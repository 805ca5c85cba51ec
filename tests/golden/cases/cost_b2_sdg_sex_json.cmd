args: cost sdg --by sex --json --db $DB
exit: 0
