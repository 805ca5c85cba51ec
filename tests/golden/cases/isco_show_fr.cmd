args: isco show 22 --lang fr --db $DB
exit: 0
