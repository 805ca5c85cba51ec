args: needs --isco 7 --db $DB
exit: 2
