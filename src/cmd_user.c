/* cmd_user.c: being written */
