/* cmd_core.c: being written */
