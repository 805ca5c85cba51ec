args: match seeker 99999 --db $DB
exit: 1
