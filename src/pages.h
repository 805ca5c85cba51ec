/*
** pages.h: handlers of the server-rendered HTML pages (pages.c). The route table
** in routes.c points at them; policy checks happen in the dispatcher, not here.
*/
#ifndef LMIS_PAGES_H
#define LMIS_PAGES_H
#include "http.h"

int page_home(Request *r);            /* GET /                       */
int page_isco_index(Request *r);      /* GET /isco  (?q= search, else the 10 major groups) */
int page_isco_group(Request *r);      /* GET /isco/{code}            */
int page_esco_occupation(Request *r); /* GET /esco/occupation/{id}   */
int page_login_form(Request *r);      /* GET /login                  */
int page_login_post(Request *r);      /* POST /login                 */
int page_logout(Request *r);          /* POST /logout                */
int page_account(Request *r);         /* GET /account  (who am I, log out) */
int page_style_css(Request *r);       /* GET /static/style.css       */
/* page_stats.c */
int page_statistics(Request *r);      /* GET /statistics                         */
int page_stats_indicator(Request *r); /* GET /statistics/indicator/{id}?survey=   */
int page_stats_area(Request *r);      /* GET /statistics/area/{code}?counterpart= */
int page_stats_area_query(Request *r); /* GET /statistics/area?code=&counterpart= (form) */
#endif
