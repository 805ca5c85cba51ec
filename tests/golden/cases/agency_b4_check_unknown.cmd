args: agency check Nowhere Jobs Worldwide --db $DB
exit: 0
