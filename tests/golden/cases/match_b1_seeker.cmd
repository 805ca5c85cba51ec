args: match seeker 3 --top 3 --date 2026-12-01 --db $DB
exit: 0
