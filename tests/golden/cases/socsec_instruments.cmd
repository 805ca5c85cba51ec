args: socsec instruments --db $DB
exit: 0
