/* fault.h — fault injection for tests, as SQLite's test builds do: the Nth call at a fault
 * point fails. Compiled in only with -DSTOCKTAKE_FAULTS (the sanitizer build); release builds
 * get a constant 0.
 *
 * STOCKTAKE_FAULT="point:N" (read once, at the first call) makes the Nth call at that point
 * fail, once. Points: blob_write (a write into a new blob), blob_commit (its fsync + rename +
 * folder fsync), meta_commit (the object commit's metadata transaction), blob_open (opening
 * a stored blob for reading finds it gone, as if collected). */
#ifndef STOCKTAKE_CORE_FAULT_H
#define STOCKTAKE_CORE_FAULT_H

enum fault_point {
    FAULT_BLOB_WRITE,
    FAULT_BLOB_COMMIT,
    FAULT_META_COMMIT,
    FAULT_BLOB_OPEN,
    FAULT_POINTS
};

#ifdef STOCKTAKE_FAULTS
/* Should this call at p fail? Counts the call. */
int fault_hit(enum fault_point p);
#else
static inline int fault_hit(enum fault_point p)
{
    (void)p;
    return 0;
}
#endif

#endif
