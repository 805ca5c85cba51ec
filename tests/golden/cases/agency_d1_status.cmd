args: agency status DEMO-PHL-0003 --set valid --decision DEMO-DMW-2026-002 --date 2026-01-10 --reason "licence renewed (synthetic)" --db $DB
exit: 0
