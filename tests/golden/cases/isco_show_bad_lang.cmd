args: isco show 22 --lang de --db $DB
exit: 2
