/* Native C baseline: times ENTRY (a function of bench/programs, compiled with -DNATIVE) on a packet file.
 * Usage: <binary> <packet file> <repeat>; prints "<return value> <ns per run>". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int ENTRY(struct xdp_md *ctx);

static int (*volatile entry)(struct xdp_md *) = ENTRY; /* no inlining, no hoisting out of the loop */

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: %s packet repeat\n", argv[0]); return 2; }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 2; }
    static unsigned char packet[4096] __attribute__((aligned(64)));
    size_t length = fread(packet + 256, 1, sizeof(packet) - 256, f);
    fclose(f);
    long repeat = atol(argv[2]);
    struct xdp_md ctx = { (unsigned long)(packet + 256), (unsigned long)(packet + 256 + length), (unsigned long)(packet + 256), 1, 0, 0 };
    int result = entry(&ctx);
    struct timespec start, stop;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start); /* CPU time, like the kernel and the .NET runner */
    for (long i = 0; i < repeat; i++) {
        result = entry(&ctx);
        __asm__ volatile("" ::: "memory");
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &stop);
    double ns = (stop.tv_sec - start.tv_sec) * 1e9 + (stop.tv_nsec - start.tv_nsec);
    printf("%u %.2f\n", (unsigned)result, ns / repeat);
    return 0;
}
