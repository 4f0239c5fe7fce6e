/* proc.c — process identity and liveness (proc.h). */
#include "core/proc.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/hash.h"
#include "core/str.h"

static void proc_read_line(const char *path, char *out, size_t size)
{
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(out, (int)size, f))
        out[strcspn(out, "\n")] = '\0';
    fclose(f);
}

int64_t proc_pid_start(long pid)
{
    char path[64], stat[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    proc_read_line(path, stat, sizeof(stat));
    const char *p = strrchr(stat, ')'); /* the command name may hold spaces and ')' */
    if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X' || p[2] == '\0')
        return 0;
    p += 2; /* field 3, the state */
    for (int field = 3; field < 22 && p; field++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    if (!p)
        return 0;
    uint64_t v = 0;
    if (str_parse_u64n(p, strcspn(p, " \n"), 10, INT64_MAX, &v))
        return 0;
    return (int64_t)v;
}

void proc_id_self(struct proc_id *out)
{
    memset(out, 0, sizeof(*out));
    if (gethostname(out->host, sizeof(out->host)) != 0)
        out->host[0] = '\0';
    out->host[sizeof(out->host) - 1] = '\0';
    proc_read_line("/proc/sys/kernel/random/boot_id", out->boot_id, sizeof(out->boot_id));
    out->pid = (int64_t)getpid();
    out->pid_start = proc_pid_start((long)getpid());
}

enum proc_state proc_id_state(const struct proc_id *id)
{
    struct proc_id me;
    proc_id_self(&me);
    if (strcmp(id->host, me.host) != 0 || !me.boot_id[0])
        return PROC_UNKNOWN;
    if (strcmp(id->boot_id, me.boot_id) != 0)
        return PROC_GONE; /* this machine rebooted since */
    int64_t start = proc_pid_start((long)id->pid);
    return start != 0 && start == id->pid_start ? PROC_ALIVE : PROC_GONE;
}

/* 8 hex digits of the host name and boot id */
static void proc_place(const struct proc_id *id, char out[9])
{
    uint8_t h[SHA256_LEN];
    char both[300];
    int n = snprintf(both, sizeof(both), "%s|%s", id->host, id->boot_id);
    hash_sha256(both, (size_t)n < sizeof(both) ? (size_t)n : sizeof(both) - 1, h);
    hash_hex(h, 4, out);
    out[8] = '\0';
}

void proc_tag_self(char *out, size_t size)
{
    struct proc_id me;
    proc_id_self(&me);
    char place[9];
    proc_place(&me, place);
    snprintf(out, size, "%s-%lld-%lld", place, (long long)me.pid, (long long)me.pid_start);
}

enum proc_state proc_tag_state(const char *tag, size_t len)
{
    struct proc_id me;
    proc_id_self(&me);
    char place[9];
    proc_place(&me, place);
    if (len < 12 || !me.boot_id[0] || memcmp(tag, place, 8) != 0 || tag[8] != '-')
        return PROC_UNKNOWN;
    const char *p = tag + 9, *end = tag + len;
    const char *dash = memchr(p, '-', (size_t)(end - p));
    uint64_t pid = 0, start = 0;
    if (!dash || str_parse_u64n(p, (size_t)(dash - p), 10, INT64_MAX, &pid) ||
        str_parse_u64n(dash + 1, (size_t)(end - dash - 1), 10, INT64_MAX, &start))
        return PROC_UNKNOWN;
    int64_t now = proc_pid_start((long)pid);
    return now != 0 && (uint64_t)now == start ? PROC_ALIVE : PROC_GONE;
}
