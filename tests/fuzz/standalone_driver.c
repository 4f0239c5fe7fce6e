/* standalone_driver.c — replays a fuzz corpus without libFuzzer: every file in the directory
 * given as argv[1] goes once through LLVMFuzzerTestOneInput. Built with the sanitizers, so a
 * crash, leak or undefined behaviour on any corpus input fails the run. With clang and
 * -fsanitize=fuzzer the same targets run under libFuzzer instead (see docs/internals/FUZZING.md).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(n > 0 ? (size_t)n : 1);
    size_t got = fread(data, 1, (size_t)n, f);
    fclose(f);
    LLVMFuzzerTestOneInput(data, got);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        perror(argv[1]);
        return 1;
    }
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", argv[1], e->d_name);
        if (replay_file(path) == 0)
            n++;
    }
    closedir(d);
    printf("%s: %d inputs replayed\n", argv[1], n);
    return n > 0 ? 0 : 1;
}
