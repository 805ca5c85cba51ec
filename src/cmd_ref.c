/*
** cmd_ref.c: CLI handlers for the reference classifications: isco show/search/list,
** esco search/show, country list.
**
** Each handler asks isco.c for the jansson object that the API also serves and
** either prints it (--json) or renders it as text on c->out: one data path.
*/
#include "cmds.h"
#include "isco.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Join the positional arguments with spaces; caller frees. */
static char *join_args(CliCtx *c) {
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  for (int i = 0; i < c->nArg; i++) {
    if (i) buf_putc(&b, ' ');
    buf_puts(&b, c->azArg[i]);
  }
  return buf_detach(&b);
}

static const char *jstr(const json_t *j, const char *zKey) {
  const char *z = json_string_value(json_object_get(j, zKey));
  return z ? z : "";
}

/* Print z padded with spaces to nWidth columns (display width, not bytes). */
static void print_padded(FILE *f, const char *z, int nWidth) {
  const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)z;
  utf8proc_ssize_t n = (utf8proc_ssize_t)strlen(z), i = 0;
  int w = 0;
  while (i < n) {
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate(p + i, n - i, &c);
    if (k <= 0) { i++; w++; continue; }
    w += utf8proc_charwidth(c);
    i += k;
  }
  fputs(z, f);
  for (; w < nWidth; w++) fputc(' ', f);
}

/* Length of z[0..n) without trailing white space (ASCII or no-break space). */
static size_t rtrim_len(const char *z, size_t n) {
  for (;;) {
    if (n > 0 && strchr(" \t\r\n", z[n - 1])) n--;
    else if (n > 1 && (unsigned char)z[n - 2] == 0xc2 && (unsigned char)z[n - 1] == 0xa0) n -= 2;
    else return n;
  }
}

/* Print text with each line after the first indented by nIndent spaces; white
** space at line ends and at the end of the text is dropped. */
static void print_indented(FILE *f, const char *z, int nIndent) {
  bool bFirst = true;
  char *zCopy = xstrndup(z, rtrim_len(z, strlen(z)));
  z = zCopy;
  while (*z) {
    size_t n = strcspn(z, "\n");
    size_t m = rtrim_len(z, n);
    fprintf(f, "%*s%.*s\n", bFirst ? 0 : nIndent, "", (int)m, z);
    bFirst = false;
    z += n;
    if (*z == '\n') z++;
  }
  free(zCopy);
}

/* A snippet on one line: newlines inside it (label lists) become " / ". */
static void print_one_line(FILE *f, const char *z) {
  for (; *z; z++) {
    if (*z == '\n') fputs(" / ", f);
    else if (*z != '\r') fputc(*z, f);
  }
}

int cmd_isco_show(CliCtx *c) {
  json_t *j = isco_get(c->store, c->azArg[0], c->zLang, &c->err);
  json_t *a, *v;
  size_t i;
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  FILE *f = c->out;
  fprintf(f, "%s  %s\n", jstr(j, "code"), jstr(j, "title"));
  fprintf(f, "  level        %lld (%s group)\n", (long long)json_integer_value(json_object_get(j, "level")),
          jstr(j, "level_name"));
  a = json_object_get(j, "path");
  fprintf(f, "  path         ");
  json_array_foreach(a, i, v) fprintf(f, "%s%s", i ? " > " : "", jstr(v, "code"));
  fprintf(f, "\n               ");
  json_array_foreach(a, i, v) fprintf(f, "%s%s", i ? " > " : "", jstr(v, "title"));
  fprintf(f, "\n  skill level  ");
  a = json_object_get(j, "skill_levels");
  json_array_foreach(a, i, v) fprintf(f, "%s%lld", i ? ", " : "", (long long)json_integer_value(v));
  fprintf(f, "\n  titles       en: %s\n", jstr(j, "title_en"));
  if (*jstr(j, "title_fr")) fprintf(f, "               fr: %s\n", jstr(j, "title_fr"));
  if (*jstr(j, "title_es")) fprintf(f, "               es: %s\n", jstr(j, "title_es"));
  if (*jstr(j, "esco_uri")) fprintf(f, "  ESCO URI     %s\n", jstr(j, "esco_uri"));
  if (*jstr(j, "definition")) {
    fprintf(f, "\nDefinition (ISCO-08, (c) ILO)\n  ");
    print_indented(f, jstr(j, "definition"), 2);
  }
  a = json_object_get(j, "children");
  if (json_array_size(a) > 0) {
    fprintf(f, "\nGroups under %s (%zu)\n", jstr(j, "code"), json_array_size(a));
    json_array_foreach(a, i, v) fprintf(f, "  %-5s %s\n", jstr(v, "code"), jstr(v, "title"));
  }
  a = json_object_get(j, "esco_occupations");
  if (a) {
    fprintf(f, "\nESCO occupations (%zu)\n", json_array_size(a));
    json_array_foreach(a, i, v)
      fprintf(f, "  %5lld  %s\n", (long long)json_integer_value(json_object_get(v, "id")), jstr(v, "title"));
    if (json_array_size(a) == 0) fprintf(f, "  (none in ESCO v1.1.1)\n");
  }
  json_decref(j);
  return 0;
}

/* Shared by isco search and esco search. */
static int run_search(CliCtx *c, const char *zKind) {
  long long nLimit;
  char *zText;
  json_t *j, *a, *v;
  size_t i;
  if (cli_opt_int(c, "--limit", 1, 100, 20, &nLimit)) return -1;
  zText = join_args(c);
  j = occupation_search(c->store, zText, zKind, (int)nLimit, c->zLang, &c->err);
  free(zText);
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  FILE *f = c->out;
  a = json_object_get(j, "results");
  if (json_array_size(a) == 0) fprintf(f, "no %s matches \"%s\"\n", zKind ? "ESCO occupation" : "occupation",
                                       jstr(j, "query"));
  json_array_foreach(a, i, v) {
    if (strcmp(jstr(v, "kind"), "isco") == 0) {
      fprintf(f, "%2zu. ISCO %-6s %s\n", i + 1, jstr(v, "code"), jstr(v, "title"));
    } else {
      char zId[32];
      snprintf(zId, sizeof zId, "#%lld", (long long)json_integer_value(json_object_get(v, "id")));
      fprintf(f, "%2zu. ESCO %-6s %s  [ISCO %s]\n", i + 1, zId, jstr(v, "title"), jstr(v, "isco_code"));
    }
    if (*jstr(v, "snippet")) {
      fprintf(f, "             ");
      print_one_line(f, jstr(v, "snippet"));
      fputc('\n', f);
    }
  }
  json_decref(j);
  return 0;
}

int cmd_isco_search(CliCtx *c) { return run_search(c, NULL); }
int cmd_esco_search(CliCtx *c) { return run_search(c, "esco"); }

int cmd_isco_list(CliCtx *c) {
  long long level;
  json_t *j, *a, *v;
  size_t i;
  if (cli_opt_int(c, "--level", 1, 4, 0, &level)) return -1;
  j = isco_list(c->store, (int)level, cli_opt(c, "--parent"), c->zLang, &c->err);
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  FILE *f = c->out;
  a = json_object_get(j, "groups");
  fprintf(f, "ISCO-08 %s groups", jstr(j, "level_name"));
  if (*jstr(j, "parent")) fprintf(f, " under %s", jstr(j, "parent"));
  fprintf(f, " (%zu)\n", json_array_size(a));
  json_array_foreach(a, i, v) fprintf(f, "  %-5s %s\n", jstr(v, "code"), jstr(v, "title"));
  json_decref(j);
  return 0;
}

int cmd_esco_show(CliCtx *c) {
  json_t *j = esco_occupation_get(c->store, c->azArg[0], &c->err);
  json_t *a, *v, *g;
  size_t i;
  static const char *const azRel[] = {"essential", "optional"};
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  FILE *f = c->out;
  g = json_object_get(j, "isco_group");
  fprintf(f, "%s\n", jstr(j, "title"));
  fprintf(f, "  id           %lld\n", (long long)json_integer_value(json_object_get(j, "id")));
  fprintf(f, "  URI          %s\n", jstr(j, "uri"));
  if (*jstr(j, "code")) fprintf(f, "  ESCO code    %s\n", jstr(j, "code"));
  fprintf(f, "  ISCO-08      %s %s\n", jstr(g, "code"), jstr(g, "title"));
  a = json_object_get(j, "alt_labels");
  if (json_array_size(a) > 0) {
    fprintf(f, "  also called  ");
    json_array_foreach(a, i, v) fprintf(f, "%s%s", i ? "; " : "", json_string_value(v));
    fputc('\n', f);
  }
  if (*jstr(j, "description")) {
    fprintf(f, "\n  ");
    print_indented(f, jstr(j, "description"), 2);
  }
  for (size_t k = 0; k < COUNT(azRel); k++) {
    a = json_object_get(json_object_get(j, "skills"), azRel[k]);
    fprintf(f, "\n%s skills and knowledge (%zu)\n", k == 0 ? "Essential" : "Optional", json_array_size(a));
    json_array_foreach(a, i, v) fprintf(f, "  - %s\n", jstr(v, "title"));
  }
  fprintf(f, "\nThis service uses the ESCO classification of the European Commission.\n");
  json_decref(j);
  return 0;
}

int cmd_country_list(CliCtx *c) {
  json_t *j = country_list(c->store, c->zLang, &c->err);
  json_t *a, *v;
  size_t i;
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  FILE *f = c->out;
  a = json_object_get(j, "countries");
  json_array_foreach(a, i, v) {
    fprintf(f, "%s  %s  %s  ", jstr(v, "alpha2"), jstr(v, "alpha3"), jstr(v, "numeric"));
    print_padded(f, jstr(v, "name"), 44);
    fputc(' ', f);
    print_padded(f, jstr(v, "subregion"), 32);
    fprintf(f, " %s\n", jstr(v, "currency"));
  }
  fprintf(f, "%zu countries and areas (ISO 3166-1, UN M49 regions)\n", json_array_size(a));
  json_decref(j);
  return 0;
}
