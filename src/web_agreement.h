/*
** web_agreement.h: JSON API and HTML pages of the agreements repository
** (web_agreement.c). Routes in routes.c; policy is checked by the dispatcher.
*/
#ifndef LMIS_WEB_AGREEMENT_H
#define LMIS_WEB_AGREEMENT_H
#include "http.h"

int api_agreements(Request *r);            /* GET  /api/v1/agreements?q=&country=&type=&status=&year=&met= */
int api_agreement_import(Request *r);      /* POST /api/v1/agreements  (the import format, all or nothing) */
int api_agreement_indicators(Request *r);  /* GET  /api/v1/agreements/indicators?country=&from=&to= */
int api_agreement(Request *r);             /* GET  /api/v1/agreements/{id} */
int api_agreement_assess(Request *r);      /* POST /api/v1/agreements/{id}/assessment {criterion, rating, clause, article} */
int api_agreement_comment(Request *r);     /* POST /api/v1/agreements/{id}/comments {body, criterion?} */
int api_agreement_r86(Request *r);         /* GET  /api/v1/agreements/{id}/r86 */
int api_practices(Request *r);             /* GET  /api/v1/practices?q=&country= */
int api_practice(Request *r);              /* GET  /api/v1/practices/{id} */
int api_ratifications(Request *r);         /* GET  /api/v1/ratifications?country=&instrument= */
int api_corridor(Request *r);              /* GET  /api/v1/corridors/{origin}/{dest} */
int page_agreements(Request *r);           /* GET  /agreements  (search with facets) */
int page_agreement(Request *r);            /* GET  /agreements/{id} (assessment beside the text) */
int page_agreement_assess(Request *r);     /* POST /agreements/{id}/assessment (form) */
int page_agreement_comment(Request *r);    /* POST /agreements/{id}/comments (form) */
int page_corridor_query(Request *r);       /* GET  /corridor?origin=&dest= (redirects) */
int page_corridor(Request *r);             /* GET  /corridor/{origin}/{dest} */
int page_ratifications(Request *r);        /* GET  /ratifications (world table) */
int page_practices(Request *r);            /* GET  /practices?q=&country=&theme=&mflm=&regional_body=&year=&offset= */
int page_practice(Request *r);             /* GET  /practices/{id} (one good practice, related agreements) */
#endif
