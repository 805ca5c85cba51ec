args: agency status DEMO-PHL-0003 --set closed --decision X --reason Y --db $DB
exit: 1
