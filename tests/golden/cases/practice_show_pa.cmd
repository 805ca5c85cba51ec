args: practice show pa-employer-reference-letter --db $DB
exit: 0
