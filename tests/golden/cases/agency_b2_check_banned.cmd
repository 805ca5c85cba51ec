args: agency check everst overseas --country NPL --db $DB
exit: 0
