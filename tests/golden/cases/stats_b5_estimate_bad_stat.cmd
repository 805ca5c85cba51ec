args: survey estimate lfs-demo --stat median --var age --db $DB
exit: 2
