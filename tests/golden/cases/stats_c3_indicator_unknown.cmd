args: indicator compute NOPE --survey lfs-demo --db $DB
exit: 1
