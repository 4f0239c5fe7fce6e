/* cli_aws.c — aws CLI style credentials and region (see cli_aws.h). */
#include "cli/cli_aws.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

#define CLI_AWS_FILE_MAX (1u << 20)

static int cli_aws_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* [s, e) trimmed of blanks */
static void cli_aws_trim(const char **s, const char **e)
{
    while (*s < *e && cli_aws_space(**s))
        (*s)++;
    while (*e > *s && cli_aws_space((*e)[-1]))
        (*e)--;
}

static int cli_aws_eq(const char *s, const char *e, const char *want)
{
    size_t n = strlen(want);
    return (size_t)(e - s) == n && memcmp(s, want, n) == 0;
}

int cli_aws_ini_get(const char *text, size_t len, const char *section, const char *key, char *out,
                    size_t size)
{
    const char *p = text, *end = text + len;
    int in_section = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *s = p, *e = le;
        p = nl ? nl + 1 : end;
        cli_aws_trim(&s, &e);
        if (s == e || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            const char *close = memchr(s, ']', (size_t)(e - s));
            if (!close) {
                in_section = 0;
                continue;
            }
            const char *ns = s + 1, *ne = close;
            cli_aws_trim(&ns, &ne);
            in_section = cli_aws_eq(ns, ne, section);
            continue;
        }
        if (!in_section)
            continue;
        const char *eq = memchr(s, '=', (size_t)(e - s));
        if (!eq)
            continue;
        const char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
        cli_aws_trim(&ks, &ke);
        cli_aws_trim(&vs, &ve);
        if (!cli_aws_eq(ks, ke, key))
            continue;
        size_t n = (size_t)(ve - vs);
        if (n >= size)
            return ERR_TOOBIG;
        memcpy(out, vs, n);
        out[n] = '\0';
        return 0;
    }
    return ERR_NOTFOUND;
}

/* A file's text (NUL-terminated), or NULL when it cannot be read. */
static char *cli_aws_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = xmalloc(CLI_AWS_FILE_MAX + 1);
    size_t n = fread(data, 1, CLI_AWS_FILE_MAX, f);
    fclose(f);
    data[n] = '\0';
    *len = n;
    return data;
}

static void cli_aws_path(char *out, size_t size, const char *env, const char *name)
{
    const char *v = getenv(env);
    const char *home = getenv("HOME");
    if (v && *v)
        snprintf(out, size, "%s", v);
    else
        snprintf(out, size, "%s/.aws/%s", home ? home : ".", name);
}

/* key of profile from the credentials file ([P]) or the config file ([profile P], [default]) */
static int cli_aws_profile_get(const char *profile, const char *key, char *out, size_t size,
                               char *where, size_t where_size)
{
    char path[1024], section[200];
    size_t len = 0;
    cli_aws_path(path, sizeof(path), "AWS_SHARED_CREDENTIALS_FILE", "credentials");
    char *text = cli_aws_read(path, &len);
    int rc = text ? cli_aws_ini_get(text, len, profile, key, out, size) : ERR_NOTFOUND;
    if (text)
        OPENSSL_cleanse(text, len);
    free(text);
    if (rc != ERR_NOTFOUND) {
        if (where)
            if (snprintf(where, where_size, "%s [%s]", path, profile) >= (int)where_size)
                where[where_size - 1] = '\0'; /* a message only: shortened */
        return rc;
    }
    cli_aws_path(path, sizeof(path), "AWS_CONFIG_FILE", "config");
    if (strcmp(profile, "default") == 0)
        snprintf(section, sizeof(section), "default");
    else
        snprintf(section, sizeof(section), "profile %s", profile);
    text = cli_aws_read(path, &len);
    rc = text ? cli_aws_ini_get(text, len, section, key, out, size) : ERR_NOTFOUND;
    if (text)
        OPENSSL_cleanse(text, len);
    free(text);
    if (!rc && where && snprintf(where, where_size, "%s [%s]", path, section) >= (int)where_size)
        where[where_size - 1] = '\0';
    return rc;
}

int cli_aws_creds_load(struct cli_aws_creds *out, const char *profile, const char *region)
{
    memset(out, 0, sizeof(*out));
    const char *ek = getenv("AWS_ACCESS_KEY_ID"), *es = getenv("AWS_SECRET_ACCESS_KEY");
    const char *prof = profile ? profile : getenv("AWS_PROFILE");
    if (!prof || !*prof)
        prof = "default";
    if (!profile && ek && *ek && es && *es) {
        snprintf(out->access_key, sizeof(out->access_key), "%s", ek);
        snprintf(out->secret_key, sizeof(out->secret_key), "%s", es);
        snprintf(out->source, sizeof(out->source), "the environment");
    } else {
        int rc = cli_aws_profile_get(prof, "aws_access_key_id", out->access_key,
                                     sizeof(out->access_key), out->source, sizeof(out->source));
        if (!rc)
            rc = cli_aws_profile_get(prof, "aws_secret_access_key", out->secret_key,
                                     sizeof(out->secret_key), NULL, 0);
        if (rc) {
            cli_aws_creds_clear(out);
            err_set("no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give "
                    "profile %s aws_access_key_id and aws_secret_access_key in ~/.aws/credentials",
                    prof);
            return ERR_NOTFOUND;
        }
    }
    const char *r = region && *region ? region : getenv("AWS_REGION");
    if (!r || !*r)
        r = getenv("AWS_DEFAULT_REGION");
    if (r && *r)
        snprintf(out->region, sizeof(out->region), "%s", r);
    else if (cli_aws_profile_get(prof, "region", out->region, sizeof(out->region), NULL, 0))
        snprintf(out->region, sizeof(out->region), "us-east-1");
    return 0;
}

void cli_aws_creds_clear(struct cli_aws_creds *c)
{
    OPENSSL_cleanse(c->secret_key, sizeof(c->secret_key));
}
