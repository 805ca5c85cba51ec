/* cmd_estimate.c: being written */
