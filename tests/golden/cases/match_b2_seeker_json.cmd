args: match seeker 3 --top 1 --json --date 2026-12-01 --db $DB
exit: 0
