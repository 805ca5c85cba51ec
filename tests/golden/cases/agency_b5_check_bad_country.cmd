args: agency check Sunrise --country "X;--" --db $DB
exit: 1
