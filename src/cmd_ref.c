/* cmd_ref.c: being written */
