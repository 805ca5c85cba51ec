args: agency show DEMO-PHL-0003 --json --db $DB
exit: 0
