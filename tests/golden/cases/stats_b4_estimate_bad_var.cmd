args: survey estimate lfs-demo --stat mean --var nonesuch --db $DB
exit: 1
