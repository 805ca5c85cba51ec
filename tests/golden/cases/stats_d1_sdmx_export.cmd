args: sdmx export LMIS_MIG --key ITA..SDG_1071_RCI_MEDIAN... --format sdmx-csv --db $DB
exit: 0
