/* proc.h — who a process is on its host, and whether a process named so is still alive.
 *
 * A process is named by its host name, the kernel's boot id, its pid and the pid's start time
 * (clock ticks after boot: a pid reused by a later process has another). On this host and boot
 * the process table tells whether one is alive; on another host, or before a reboot, nothing
 * here can tell. Inventory run leases and the owners of temp files use it. */
#ifndef STOCKTAKE_CORE_PROC_H
#define STOCKTAKE_CORE_PROC_H

#include <stddef.h>
#include <stdint.h>

struct proc_id {
    char host[256];
    char boot_id[40];
    int64_t pid;
    int64_t pid_start;
};

/* This process. */
void proc_id_self(struct proc_id *out);
/* The start time of pid; 0 when it does not exist or is a zombie (killed, not reaped). */
int64_t proc_pid_start(long pid);

enum proc_state { PROC_ALIVE, PROC_GONE, PROC_UNKNOWN };
/* Is id alive? PROC_UNKNOWN for a process of another host; PROC_GONE for one of this host
 * before its last reboot, or whose pid is gone or names another process now. */
enum proc_state proc_id_state(const struct proc_id *id);

/* A short name of this process for file names: "<8 hex of host+boot>-<pid>-<start>" into out
 * (size ≥ PROC_TAG_MAX). */
#define PROC_TAG_MAX 64
void proc_tag_self(char *out, size_t size);
/* The state of the process a tag names (PROC_UNKNOWN when it is not a tag of this host and
 * boot, or malformed). */
enum proc_state proc_tag_state(const char *tag, size_t len);

#endif
