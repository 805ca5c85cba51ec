args: esco show 999999 --db $DB
exit: 1
