args: needs --country DE --isco 1 --date 2026-12-01 --db $DB
exit: 0
