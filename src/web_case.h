/*
** web_case.h: complaints and cases over HTTP (web_case.c): the public complaint
** form and receipt tracking, the inspectors' queue and case pages, and the JSON
** API. Every handler goes through case.c, which applies the firewall.
*/
#ifndef LMIS_WEB_CASE_H
#define LMIS_WEB_CASE_H
#include "http.h"

int api_complaint_file(Request *r);   /* POST /api/v1/complaints */
int api_complaint_track(Request *r);  /* POST /api/v1/complaints/track {receipt} */
int api_case_queue(Request *r);       /* GET  /api/v1/cases */
int api_case_stats(Request *r);       /* GET  /api/v1/cases/stats?by=&min_n= */
int api_case_search(Request *r);      /* GET  /api/v1/cases/search?name=|passport=|phone= */
int api_case_get(Request *r);         /* GET  /api/v1/cases/{id} */
int api_case_act(Request *r);         /* POST /api/v1/cases/{id} {action, ...} */

int page_complaint_form(Request *r);  /* GET  /complaint */
int page_complaint_post(Request *r);  /* POST /complaint */
int page_case_stats(Request *r);      /* GET  /complaint/stats */
int page_track_form(Request *r);      /* GET  /complaint/track */
int page_track_post(Request *r);      /* POST /complaint/track */
int page_case_queue(Request *r);      /* GET  /cases */
int page_case(Request *r);            /* GET  /cases/{id} */
int page_case_post(Request *r);       /* POST /cases/{id} */
#endif
