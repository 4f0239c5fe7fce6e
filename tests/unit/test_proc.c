/* test_proc.c — process identity: this process is alive, a reaped child is gone, a tag of
 * another host is unknown, malformed tags are unknown. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/proc.h"
#include "harness.h"

TEST(proc_self_is_alive)
{
    struct proc_id me;
    proc_id_self(&me);
    CHECK(me.pid == (int64_t)getpid() && me.pid_start > 0);
    CHECK(proc_id_state(&me) == PROC_ALIVE);
    char tag[PROC_TAG_MAX];
    proc_tag_self(tag, sizeof(tag));
    CHECK(proc_tag_state(tag, strlen(tag)) == PROC_ALIVE);
}

TEST(proc_reaped_child_is_gone)
{
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    CHECK(child > 0);
    struct proc_id id;
    proc_id_self(&id);
    int64_t start = proc_pid_start((long)child);
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    id.pid = child;
    id.pid_start = start ? start : 1;
    CHECK(proc_id_state(&id) == PROC_GONE);
    char tag[PROC_TAG_MAX], other[PROC_TAG_MAX];
    proc_tag_self(tag, sizeof(tag));
    snprintf(other, sizeof(other), "%.8s-%lld-%lld", tag, (long long)child,
             (long long)id.pid_start);
    CHECK(proc_tag_state(other, strlen(other)) == PROC_GONE);
}

TEST(proc_other_hosts_and_malformed_tags_are_unknown)
{
    struct proc_id id;
    proc_id_self(&id);
    snprintf(id.host, sizeof(id.host), "elsewhere.example");
    CHECK(proc_id_state(&id) == PROC_UNKNOWN);
    char tag[PROC_TAG_MAX];
    proc_tag_self(tag, sizeof(tag));
    tag[0] = tag[0] == '0' ? '1' : '0'; /* another host or boot */
    CHECK(proc_tag_state(tag, strlen(tag)) == PROC_UNKNOWN);
    const char *bad[] = {"", "abc", "0123456789abcdef0123456789abcdef0123", "zzzzzzzz-1-2",
                         "zzzzzzzz-x-2"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(proc_tag_state(bad[i], strlen(bad[i])) == PROC_UNKNOWN);
    proc_tag_self(tag, sizeof(tag));
    char cut[PROC_TAG_MAX];
    snprintf(cut, sizeof(cut), "%.9sx-1", tag); /* this place, a pid that does not parse */
    CHECK(proc_tag_state(cut, strlen(cut)) == PROC_UNKNOWN);
}
