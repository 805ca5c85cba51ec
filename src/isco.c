/* isco.c: being written */
