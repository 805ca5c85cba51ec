/* cmd_survey.c: being written */
