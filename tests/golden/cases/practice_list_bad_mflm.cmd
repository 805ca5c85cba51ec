args: practice list --mflm XI --db $DB
exit: 1
