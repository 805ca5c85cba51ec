args: isco show 9999 --db $DB
exit: 1
