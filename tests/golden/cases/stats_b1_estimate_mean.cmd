args: survey estimate lfs-demo --stat mean --var in_labour_force --by sex,birth_status --where working_age=1 --db $DB --json
exit: 0
