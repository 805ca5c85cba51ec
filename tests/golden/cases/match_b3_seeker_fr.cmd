args: match seeker 3 --top 2 --lang fr --date 2026-12-01 --db $DB
exit: 0
