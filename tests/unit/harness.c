/* harness.c — runs every registered test; argv[1], when given, selects tests by substring. */
#include "harness.h"

#include <stdlib.h>

#define HARNESS_MAX 1024

static struct {
    const char *name;
    test_fn *fn;
} tests[HARNESS_MAX];
static int n_tests;
static int current_failed;

void harness_register(const char *name, test_fn *fn)
{
    if (n_tests == HARNESS_MAX)
        abort();
    tests[n_tests].name = name;
    tests[n_tests].fn = fn;
    n_tests++;
}

void harness_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "  %s:%d: CHECK failed: %s\n", file, line, what);
    current_failed = 1;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (int i = 0; i < n_tests; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1]))
            continue;
        current_failed = 0;
        tests[i].fn();
        if (current_failed) {
            fprintf(stderr, "FAIL %s\n", tests[i].name);
            failed++;
        } else {
            passed++;
        }
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
