args: agency check Sunrize Manpower Services --db $DB
exit: 0
