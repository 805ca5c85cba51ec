/* i18n.c: being written */
