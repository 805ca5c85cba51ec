/*
** web_match.h: job matching on the web (web_match.c): the JSON API under
** /api/v1/match, /api/v1/seekers, /api/v1/vacancies, /api/v1/needs, and the
** pages "jobs for me" (a migrant's own profile and matches), seekers and
** vacancies for employment officers (lists, forms, candidate lists), and needs.
*/
#ifndef LMIS_WEB_MATCH_H
#define LMIS_WEB_MATCH_H
#include "http.h"

int api_match_seeker(Request *r);      /* GET  /api/v1/match/seekers/{id}?top=&date= */
int api_match_vacancy(Request *r);     /* GET  /api/v1/match/vacancies/{id}?top=&date= */
int api_needs(Request *r);             /* GET  /api/v1/needs?country=&isco=&date= */
int api_seekers(Request *r);           /* GET  /api/v1/seekers?country=&isco=&limit=&offset= */
int api_seeker_create(Request *r);     /* POST /api/v1/seekers */
int api_seeker_get(Request *r);        /* GET  /api/v1/seekers/{id} */
int api_seeker_update(Request *r);     /* POST /api/v1/seekers/{id} */
int api_vacancies(Request *r);         /* GET  /api/v1/vacancies */
int api_vacancy_create(Request *r);    /* POST /api/v1/vacancies */
int api_vacancy_get(Request *r);       /* GET  /api/v1/vacancies/{id} */
int api_vacancy_update(Request *r);    /* POST /api/v1/vacancies/{id} */

int page_jobs_me(Request *r);          /* GET  /jobs/me */
int page_jobs_me_edit(Request *r);     /* GET  /jobs/me/edit */
int page_jobs_me_save(Request *r);     /* POST /jobs/me/edit */
int page_needs(Request *r);            /* GET  /needs */
int page_seekers(Request *r);          /* GET  /seekers */
int page_seeker_new(Request *r);       /* GET  /seekers/new */
int page_seeker_create(Request *r);    /* POST /seekers */
int page_seeker(Request *r);           /* GET  /seekers/{id} */
int page_seeker_edit(Request *r);      /* GET  /seekers/{id}/edit */
int page_seeker_save(Request *r);      /* POST /seekers/{id}/edit */
int page_vacancies(Request *r);        /* GET  /vacancies */
int page_vacancy_new(Request *r);      /* GET  /vacancies/new */
int page_vacancy_create(Request *r);   /* POST /vacancies */
int page_vacancy(Request *r);          /* GET  /vacancies/{id} */
int page_vacancy_edit(Request *r);     /* GET  /vacancies/{id}/edit */
int page_vacancy_save(Request *r);     /* POST /vacancies/{id}/edit */
#endif
