args: survey estimate lfs-demo --stat ratio --var labour_force=UNE --den in_labour_force=1 --by migrant --db $DB
exit: 0
