args: isco show 2221 --db $DB
exit: 0
