args: agreement search trabajadores --db $DB
exit: 0
