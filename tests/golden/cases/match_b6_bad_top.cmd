args: match seeker 3 --top -1 --db $DB
exit: 2
