/* survey.c: being written */
