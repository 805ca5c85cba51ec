args: isco list --level 9 --db $DB
exit: 2
