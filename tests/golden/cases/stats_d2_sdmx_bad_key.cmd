args: sdmx export LMIS_MIG --key ITA.X --db $DB
exit: 1
