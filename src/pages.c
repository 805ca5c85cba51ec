/* pages.c: being written */
