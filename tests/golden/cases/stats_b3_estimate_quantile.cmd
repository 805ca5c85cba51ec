args: survey estimate lfs-demo --stat quantile --var monthly_earnings --q 0.5 --by sex --db $DB --json
exit: 0
