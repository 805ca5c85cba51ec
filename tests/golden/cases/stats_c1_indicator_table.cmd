args: indicator compute UNE_DEAP_SEX_AGE_CBR_RT --survey lfs-demo --db $DB
exit: 0
