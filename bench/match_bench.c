/*
** match_bench.c: the lmis side of bench/match.sh. Builds the matching index from
** the store (timed), then ranks the top 10 vacancies for NQ seekers (each timed,
** one core), checks the first NCHECK against the exhaustive ranking, and writes
** the top 10 of the first NPEER seekers for the SQL peer to compare.
**
** Usage: match_bench DB DATE NQ NCHECK NPEER TOPFILE
** Prints one JSON object: build_s, vacancies, seekers, index_bytes_per_vacancy,
** rss_bytes_per_vacancy, queries, median_ms, p99_ms, max_ms, checked.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "jobs.h"
#include "match.h"
#include "store.h"

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Resident set size in bytes (from /proc/self/statm). */
static long long rss_bytes(void) {
  long long pages = 0, rss = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f) {
    if (fscanf(f, "%lld %lld", &pages, &rss) != 2) rss = 0;
    fclose(f);
  }
  return rss * sysconf(_SC_PAGESIZE);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  Store *s;
  Err e = ERR_INIT;
  MatchIndex *x;
  if (argc != 7) {
    fprintf(stderr, "usage: match_bench DB DATE NQ NCHECK NPEER TOPFILE\n");
    return 2;
  }
  int nQ = (int)strtol(argv[3], NULL, 10), nCheck = (int)strtol(argv[4], NULL, 10), nPeer = (int)strtol(argv[5], NULL, 10);
  if (store_open(argv[1], STORE_READONLY, &s, &e)) {
    err_print(&e);
    return 1;
  }
  long long rss0 = rss_bytes();
  double t0 = now_s();
  if (match_index_build(s, &x, &e)) {
    err_print(&e);
    return 1;
  }
  double tBuild = now_s() - t0;
  long long rss1 = rss_bytes();
  int nVac = match_index_vacancies(x), nSeek = match_index_seekers(x);
  MatchOpt o = {10, jobs_date_days(argv[2]), false};
  double *aMs = malloc(sizeof(double) * (size_t)(nQ > 0 ? nQ : 1));
  FILE *fTop = fopen(argv[6], "w");
  int nChecked = 0;
  unsigned seed = 7;
  for (int q = 0; q < nQ; q++) {
    /* seekers spread over the whole id range (ids are 1..nSeek in the benchmark) */
    int64_t id;
    if (q < nPeer) id = 1 + (int64_t)q * (nSeek / (nPeer > 0 ? nPeer : 1));
    else {
      seed = seed * 1103515245u + 12345u;
      id = 1 + (int64_t)((seed >> 4) % (unsigned)nSeek);
    }
    MatchResult *a;
    int n;
    double t = now_s();
    if (match_seeker(x, id, &o, &a, &n, &e)) {
      err_print(&e);
      return 1;
    }
    aMs[q] = (now_s() - t) * 1000.0;
    if (q < nPeer && fTop) {
      for (int i = 0; i < n; i++) fprintf(fTop, "%lld %lld %d\n", (long long)id, (long long)a[i].id, a[i].score);
    }
    if (q < nCheck) {
      MatchResult *b;
      int m;
      if (match_seeker_exhaustive(x, id, &o, &b, &m, &e)) return 1;
      if (m != n) {
        fprintf(stderr, "seeker %lld: pruned %d results, exhaustive %d\n", (long long)id, n, m);
        return 1;
      }
      for (int i = 0; i < n; i++)
        if (a[i].id != b[i].id || a[i].score != b[i].score) {
          fprintf(stderr, "seeker %lld: rank %d differs from the exhaustive ranking\n", (long long)id, i + 1);
          return 1;
        }
      free(b);
      nChecked++;
    }
    free(a);
  }
  if (fTop) fclose(fTop);
  qsort(aMs, (size_t)nQ, sizeof(double), cmp_double);
  printf("{\"build_s\": %.3f, \"vacancies\": %d, \"seekers\": %d, \"index_bytes_per_vacancy\": %.1f, "
         "\"rss_bytes_per_vacancy\": %.1f, \"queries\": %d, \"median_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f, "
         "\"checked\": %d}\n",
         tBuild, nVac, nSeek, nVac ? (double)match_index_vacancy_bytes(x) / nVac : 0.0,
         nVac ? (double)(rss1 - rss0) / nVac : 0.0, nQ, aMs[nQ / 2], aMs[(int)(nQ * 0.99)], aMs[nQ - 1], nChecked);
  free(aMs);
  match_index_free(x);
  store_close(s);
  return 0;
}
