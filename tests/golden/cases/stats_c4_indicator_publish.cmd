args: indicator compute SDG_1071_RCI_MEDIAN --survey lfs-demo --publish --format json --db $DB
exit: 0
