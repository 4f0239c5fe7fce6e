/* s3_names.c — bucket names and storage classes (see s3_names.h). */
#include "s3/s3_names.h"

#include <arpa/inet.h>
#include <string.h>

static int s3_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int s3_bucket_name_valid(const char *name)
{
    /* AWS also reserves "amzn-s3-demo-" so its documentation examples never reach a real
     * bucket; on a local server, running those examples verbatim is the point. */
    static const char *const bad_prefixes[] = {"xn--", "sthree-"};
    static const char *const bad_suffixes[] = {"-s3alias", "--ol-s3", ".mrap", "--x-s3",
                                               "--table-s3"};
    size_t n = name ? strlen(name) : 0;
    if (n < 3 || n > 63)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
            return 0;
    }
    if (name[0] == '.' || name[0] == '-' || name[n - 1] == '.' || name[n - 1] == '-')
        return 0;
    /* every dot-separated label starts and ends with a letter or digit, as in DNS */
    if (strstr(name, "..") || strstr(name, ".-") || strstr(name, "-."))
        return 0;
    struct in_addr addr;
    if (inet_pton(AF_INET, name, &addr) == 1)
        return 0;
    for (size_t i = 0; i < sizeof(bad_prefixes) / sizeof(bad_prefixes[0]); i++) {
        if (strncmp(name, bad_prefixes[i], strlen(bad_prefixes[i])) == 0)
            return 0;
    }
    for (size_t i = 0; i < sizeof(bad_suffixes) / sizeof(bad_suffixes[0]); i++) {
        if (s3_ends_with(name, bad_suffixes[i]))
            return 0;
    }
    return 1;
}

int s3_storage_class_valid(const char *name)
{
    static const char *const classes[] = {
        "STANDARD",        "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
        "GLACIER",         "DEEP_ARCHIVE",       "OUTPOSTS",    "GLACIER_IR", "SNOW",
        "EXPRESS_ONEZONE", "FSX_OPENZFS",        "FSX_ONTAP"};
    for (size_t i = 0; name && i < sizeof(classes) / sizeof(classes[0]); i++) {
        if (strcmp(name, classes[i]) == 0)
            return 1;
    }
    return 0;
}
