args: cost sdg --db $DB
exit: 0
