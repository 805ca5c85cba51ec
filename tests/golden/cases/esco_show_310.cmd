args: esco show 310 --db $DB
exit: 0
