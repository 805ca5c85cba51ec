args: isco show --db $DB
exit: 2
