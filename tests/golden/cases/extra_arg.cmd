args: isco show 2221 2222 --db $DB
exit: 2
