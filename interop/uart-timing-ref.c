// The floor for interop/uart-timing.sh: the smallest possible DMX line loop in C, with no runtime and no
// other threads, timed by the same tracepoints as the servers. Per frame: TIOCSBRK, wait BREAK us, TIOCCBRK,
// spin 16 us (MAB), one write of start code 0 and 512 slots, tcdrain, wait MALF us, as olasharpd's line thread
// does. It runs SCHED_FIFO 10 with a 1 us timer slack like that thread. A wait sleeps with
// clock_nanosleep(TIMER_ABSTIME) to SPIN_US before its deadline, then spins on CLOCK_MONOTONIC (vDSO, no
// system call); SPIN_US -1 (the default) spins the whole break and sleeps malf relative to now with no spin,
// the loop the script has always used as its floor. Other SPIN_US values try the writer's strategies.
//
// With --stop-cost N it instead times N back-to-back ioctl(TIOCCBRK) calls on TTY in process (a 1 ms sleep
// every 50 calls) and prints min/median/p90/p99/max: run bare, that is the system call; run under strace, the
// excess is what the tracer's two stops (seccomp entry, exit) cost per traced call.
//
//   cc -O2 -o uart-timing-ref interop/uart-timing-ref.c
//   uart-timing-ref TTY SECONDS [BREAK_US] [MALF_US] [SPIN_US]
//   uart-timing-ref TTY --stop-cost N
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void spin(long long ns)
{
    long long start = now_ns();
    while (now_ns() - start < ns) {
    }
}

// Sleeps to SPIN ns before the absolute deadline, then spins to it.
static void wait_until(long long deadline, long long spin_ns)
{
    long long wake = deadline - spin_ns;
    if (wake > now_ns()) {
        struct timespec ts = { wake / 1000000000LL, wake % 1000000000LL };
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    }
    while (now_ns() < deadline) {
    }
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static int stop_cost(int fd, int n)
{
    long long *d = malloc(sizeof(long long) * (size_t)n);
    if (d == NULL || n < 100) {
        fprintf(stderr, "--stop-cost needs N >= 100\n");
        return 2;
    }
    for (int i = 0; i < n; i++) {
        long long a = now_ns();
        ioctl(fd, TIOCCBRK, 0);
        d[i] = now_ns() - a;
        if (i % 50 == 49) {
            struct timespec ts = { 0, 1000000 };
            nanosleep(&ts, NULL);
        }
    }
    qsort(d, (size_t)n, sizeof(long long), cmp_ll);
    printf("ioctl(TIOCCBRK) us per call, %d calls: min %.1f median %.1f p90 %.1f p99 %.1f max %.1f\n", n,
           d[0] / 1e3, d[n / 2] / 1e3, d[n * 9 / 10] / 1e3, d[n * 99 / 100] / 1e3, d[n - 1] / 1e3);
    free(d);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s TTY SECONDS [BREAK_US] [MALF_US] [SPIN_US]\n", argv[0]);
        return 2;
    }
    int fd = open(argv[1], O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    if (strcmp(argv[2], "--stop-cost") == 0) {
        return stop_cost(fd, argc > 3 ? atoi(argv[3]) : 5000);
    }
    long long end = now_ns() + atoll(argv[2]) * 1000000000LL;
    long long brk = (argc > 3 ? atoll(argv[3]) : 100) * 1000;
    long long malf = (argc > 4 ? atoll(argv[4]) : 24000) * 1000;
    long long window = (argc > 5 ? atoll(argv[5]) : -1) * 1000;
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    struct sched_param p = { .sched_priority = 10 };
    if (sched_setscheduler(0, SCHED_FIFO, &p) != 0) {
        perror("SCHED_FIFO 10");
    }
    unsigned char frame[513];
    for (int i = 0; i < 513; i++) {
        frame[i] = i == 0 ? 0 : (unsigned char)((i - 1) % 256);
    }
    while (now_ns() < end) {
        ioctl(fd, TIOCSBRK, 0);
        if (window < 0) {
            spin(brk);
        } else {
            wait_until(now_ns() + brk, window);
        }
        ioctl(fd, TIOCCBRK, 0);
        spin(16000);
        if (write(fd, frame, sizeof frame) != (ssize_t)sizeof frame) {
            perror("write");
            return 1;
        }
        tcdrain(fd);
        if (window < 0) {
            struct timespec ts = { malf / 1000000000LL, malf % 1000000000LL };
            clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
        } else {
            wait_until(now_ns() + malf, window);
        }
    }
    return 0;
}
