/* html.c: being written */
