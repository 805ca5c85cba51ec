/* cmd_stats.c: being written */
