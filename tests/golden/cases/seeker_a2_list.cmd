args: seeker list --country DE --isco 2 --limit 5 --db $DB
exit: 0
