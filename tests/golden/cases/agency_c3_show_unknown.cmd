args: agency show NOPE-1 --db $DB
exit: 1
