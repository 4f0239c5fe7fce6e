/* harness.h — a tiny unit test harness. TEST(name) defines and registers a test; CHECK fails
 * the current test and continues; the run ends with "N passed, N failed". */
#ifndef STOCKTAKE_TEST_HARNESS_H
#define STOCKTAKE_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

typedef void test_fn(void);
void harness_register(const char *name, test_fn *fn);
void harness_fail(const char *file, int line, const char *what);

#define TEST(name)                                                                                 \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void register_##name(void)                                 \
    {                                                                                              \
        harness_register(#name, test_##name);                                                      \
    }                                                                                              \
    static void test_##name(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            harness_fail(__FILE__, __LINE__, #cond);                                               \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                   \
            char msg_[4096];                                                                       \
            snprintf(msg_, sizeof(msg_), "%s == %s\n    got:      %s\n    expected: %s", #a, #b,   \
                     a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                      \
            harness_fail(__FILE__, __LINE__, msg_);                                                \
        }                                                                                          \
    } while (0)

#endif
