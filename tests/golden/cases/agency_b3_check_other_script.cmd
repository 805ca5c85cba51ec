args: agency check "شركة الاطلس" --db $DB
exit: 0
