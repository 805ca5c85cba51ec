args: indicator compute EMP_TEMP_SEX_AGE_CCT_NB --survey lfs-demo --format sdmx-csv2 --db $DB
exit: 0
