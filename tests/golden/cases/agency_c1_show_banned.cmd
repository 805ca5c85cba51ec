args: agency show DEMO-NPL-0002 --db $DB
exit: 0
