args: practice search skills recognition --db $DB
exit: 0
