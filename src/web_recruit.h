/*
** web_recruit.h: fair recruitment on the web (web_recruit.c): the JSON API under
** /api/v1/agencies, /api/v1/costs and /api/v1/reviews, and the public pages
** /agencies/check, /agencies/sanctioned, /agencies/{licence}, /costs and
** /costs/report. The engines are agency.c and cost.c; the dispatcher checks the
** policy action of each route (routes.c) before a handler runs.
*/
#ifndef LMIS_WEB_RECRUIT_H
#define LMIS_WEB_RECRUIT_H
#include "http.h"

int api_agencies(Request *r);          /* GET /api/v1/agencies?status=&sanctioned=&country= */
int api_agency_check(Request *r);      /* GET /api/v1/agencies/check?name=&country= */
int api_agency(Request *r);            /* GET /api/v1/agencies/{licence}?country= */
int api_cost_report(Request *r);       /* POST /api/v1/costs (a worker's report) */
int api_costs_sdg(Request *r);         /* GET /api/v1/costs/sdg?by=&min_n=&isco_digits=&origin=&destination= */
int api_reviews(Request *r);           /* GET /api/v1/reviews?agency=&country=&status= */
int api_review_submit(Request *r);     /* POST /api/v1/reviews */
int api_review_moderate(Request *r);   /* POST /api/v1/reviews/{id}/moderate {action, note} */
int page_agency_check(Request *r);     /* GET /agencies/check */
int page_agencies_sanctioned(Request *r); /* GET /agencies/sanctioned */
int page_agency(Request *r);           /* GET /agencies/{licence} */
int page_agency_review_post(Request *r); /* POST /agencies/{licence}/review (anonymous, moderated) */
int page_costs(Request *r);            /* GET /costs: the SDG 10.7.1 table */
int page_cost_form(Request *r);        /* GET /costs/report */
int page_cost_post(Request *r);        /* POST /costs/report */
int page_reviews_moderate(Request *r);     /* GET /reviews/moderate: the queue (regulators) */
int page_review_moderate_post(Request *r); /* POST /reviews/{id}/moderate (form) */
#endif
