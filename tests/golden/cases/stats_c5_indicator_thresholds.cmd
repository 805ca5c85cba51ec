args: indicator compute UNE_DEAP_SEX_AGE_CBR_RT --survey lfs-demo --min-n 2000 --cv-max 0.1 --format json --db $DB
exit: 0
