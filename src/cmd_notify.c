/*
** cmd_notify.c: `lmis notify ...`: the outbox of case notifications and its
** delivery from the command line (notify.h). `notify run` is what the server's
** background worker does, for deployments that send from cron or a service of
** their own.
*/
#include "cli.h"
#include "cmds.h"
#include "notify.h"
#include "util.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>


int cmd_notify_list(CliCtx *c) {
  long long nLimit;
  json_t *j, *a, *o, *jCount;
  size_t i;
  if (cli_opt_int(c, "--limit", 1, 1000, 50, &nLimit)) return -1;
  j = notify_list(c->store, &c->who, cli_opt(c, "--state"), (int)nLimit, &c->err);
  if (!j) {
    if (c->err.zWhere && strcmp(c->err.zWhere, "state") == 0) c->err.code = ERR_USAGE;
    return -1;
  }
  if (c->bJson) return cli_print_json(c, j);
  a = json_object_get(j, "notifications");
  jCount = json_object_get(j, "counts");
  fprintf(c->out, "%lld queued, %lld sent, %lld failed\n", (long long)json_integer_value(json_object_get(jCount, "queued")),
          (long long)json_integer_value(json_object_get(jCount, "sent")),
          (long long)json_integer_value(json_object_get(jCount, "failed")));
  if (json_array_size(a))
    fprintf(c->out, "%-6s %-9s %-12s %-20s %-6s %-10s %-7s %-3s %-16s %s\n", "id", "case", "recipient", "account",
            "via", "event", "state", "try", "due / sent (UTC)", "last error");
  json_array_foreach(a, i, o) {
    json_t *jSent = json_object_get(o, "sent_at");
    fprintf(c->out, "%-6lld %-9s %-12s %-20s %-6s %-10s %-7s %-3lld ", (long long)json_integer_value(json_object_get(o, "id")),
            cli_str_or(o, "case", "?"), cli_str_or(o, "recipient", "?"), cli_str_or(o, "account", "-"), cli_str_or(o, "channel", "?"),
            cli_str_or(o, "event", "?"), cli_str_or(o, "state", "?"), (long long)json_integer_value(json_object_get(o, "attempts")));
    cli_put_time(c->out, json_is_integer(jSent) ? jSent : json_object_get(o, "due_at"));
    fprintf(c->out, " %s\n", cli_str_or(o, "last_error", ""));
  }
  json_decref(j);
  return 0;
}

int cmd_notify_retry(CliCtx *c) {
  long long id;
  json_t *j;
  if (parse_int(c->azArg[0], 1, INT64_MAX, &id)) {
    err_set(&c->err, ERR_USAGE, "a notification is named by its number (see `lmis notify list`), not \"%.40s\"",
            c->azArg[0]);
    return -1;
  }
  if (!(j = notify_retry(c->store, &c->who, id, NULL, &c->err))) return -1;
  if (c->bJson) return cli_print_json(c, j);
  fprintf(c->out, "notification %lld (%s, %s) queued again\n", id, cli_str_or(j, "case", "?"), cli_str_or(j, "channel", "?"));
  json_decref(j);
  return 0;
}

static int report(CliCtx *c, const NotifyConfig *cfg, const NotifyReport *r) {
  if (c->bJson)
    return cli_print_json(c, json_pack("{s:i, s:i, s:i, s:i, s:i, s:{s:b, s:b}}", "escalated", r->nEscalated, "sent",
                                       r->nSent, "retrying", r->nRetry, "failed", r->nFailed, "waiting",
                                       r->nWaiting, "channels", "email", cfg->zSmtpUrl != NULL, "sms",
                                       cfg->zSmsUrl != NULL));
  fprintf(c->out, "escalated %d case%s; sent %d, %d to retry, %d failed\n", r->nEscalated,
          r->nEscalated == 1 ? "" : "s", r->nSent, r->nRetry, r->nFailed);
  if (r->nWaiting)
    fprintf(c->out, "%d message%s waiting: no channel configured for %s (set LMIS_SMTP_URL or LMIS_SMS_URL)\n",
            r->nWaiting, r->nWaiting == 1 ? "" : "s", r->nWaiting == 1 ? "it" : "them");
  return 0;
}

int cmd_notify_run(CliCtx *c) {
  NotifyConfig cfg;
  long long nInterval;
  notify_config_default(&cfg);
  if (cli_opt_int(c, "--interval", 10, 86400, 60, &nInterval) || notify_config_env(&cfg, &c->err)) return -1;
  if (cli_flag(c, "--once")) {
    NotifyReport rep;
    int rc;
    if (notify_transport_init(&c->err)) return -1;
    rc = notify_sweep(c->store, &cfg, &c->who, now_seconds(), &rep, &c->err);
    notify_transport_cleanup();
    return rc ? -1 : report(c, &cfg, &rep);
  }
  /* Until SIGINT or SIGTERM: the worker the server runs, without the server. */
  {
    NotifyWorker *w = NULL;
    sigset_t sigs, sigsOld;
    int sig = 0;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, &sigsOld);
    if (notify_worker_start(store_path(c->store), (int)nInterval, &w, &c->err)) {
      pthread_sigmask(SIG_SETMASK, &sigsOld, NULL);
      return -1;
    }
    fprintf(stderr, "lmis: sending notifications every %lld s until stopped (SIGINT, SIGTERM)\n", nInterval);
    while (sigwait(&sigs, &sig) != 0) {}
    notify_worker_stop(w);
    pthread_sigmask(SIG_SETMASK, &sigsOld, NULL);
    return 0;
  }
}
