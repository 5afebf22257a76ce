/* cpdata's run helper: runs a command, waits for it, and reports its own CPU time and peak memory (not ours,
 * not bubblewrap's) on a file descriptor the program cannot see. Built once by curation/sandbox/isolation.py.
 *
 *   runner STATUS_FD COMMAND [ARGS...]  ->  writes "wait_status cpu_ms maxrss_kb\n" to STATUS_FD
 *   runner --kill-all                   ->  SIGKILL every process of the calling user (but itself)
 *   runner --batch STATUS_FD CONTROL_FD SCOPE WIPE_DIRS COMMAND [ARGS...]
 *       runs COMMAND once per test the host sends on CONTROL_FD, one after another, in this one sandbox:
 *         host -> "RUN input_len cpu_ms address_bytes file_bytes processes wall_ms output_cap\n" + input bytes
 *         runner -> "RESULT wait_status cpu_ms maxrss_kb wall_ms timed_out stdout_len stderr_len overflow\n"
 *                   + stdout bytes + stderr bytes (its last 4000); the next RUN line is the host's go-ahead
 *       stdin, stdout and stderr are memfds (no test sees another's input or output as a file); between tests
 *       every process the test left is killed (SCOPE "ns": all of this PID namespace but us; "group": the
 *       test's process group) and the WIPE_DIRS (colon-separated) are emptied.
 *
 * The runner protects its own report: it is not dumpable (so a program of the same user can neither ptrace it nor
 * read its /proc entries), and the program runs under a seccomp filter that refuses ptrace and cross-process
 * memory access, with no_new_privs so that it cannot gain privileges by exec. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#define CPDATA_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define CPDATA_ARCH AUDIT_ARCH_AARCH64
#endif

#define DENY(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)

static int forbid_tracing(void) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
#ifdef CPDATA_ARCH
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, CPDATA_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS), /* another ABI (x32, ia32): no way around the filter */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#if defined(__x86_64__)
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1), /* the x32 ABI on an x86_64 kernel */
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
        DENY(__NR_ptrace),
        DENY(__NR_process_vm_readv),
        DENY(__NR_process_vm_writev),
#ifdef __NR_kcmp
        DENY(__NR_kcmp),
#endif
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {.len = (unsigned short)(sizeof(filter) / sizeof(filter[0])), .filter = filter};
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program);
#else
    return 0; /* an architecture we have no filter for: no_new_privs and non-dumpable still hold */
#endif
}

static int kill_all(void) {
    /* kill(-1) reaches every process this user may signal, except the caller. (Its return value cannot say whether
     * any was left: it is 0 as long as any other process exists. The caller checks /proc and calls again.) */
    kill(-1, SIGKILL);
    return 0;
}


/* ---- batch mode ----------------------------------------------------------------------------------------- */

static int read_full(int fd, void *buffer, size_t size) {
    size_t done = 0;
    while (done < size) {
        ssize_t got = read(fd, (char *)buffer + done, size - done);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        done += (size_t)got;
    }
    return 0;
}

static int write_full(int fd, const void *buffer, size_t size) {
    size_t done = 0;
    while (done < size) {
        ssize_t put = write(fd, (const char *)buffer + done, size - done);
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) return -1;
        done += (size_t)put;
    }
    return 0;
}

static int read_line(int fd, char *line, size_t size) {
    size_t used = 0;
    while (used + 1 < size) {
        char c;
        ssize_t got = read(fd, &c, 1);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        if (c == '\n') break;
        line[used++] = c;
    }
    line[used] = 0;
    return 0;
}

static void empty_directory(int directory) {
    /* delete everything inside (not following symlinks, not crossing into other mounts); an empty directory,
     * what most tests leave, costs one getdents */
    DIR *listing = fdopendir(directory);
    if (!listing) {
        close(directory);
        return;
    }
    struct dirent *entry;
    while ((entry = readdir(listing)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        if (unlinkat(dirfd(listing), entry->d_name, 0) == 0) continue;
        int inner = openat(dirfd(listing), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (inner >= 0) {
            empty_directory(inner);
            unlinkat(dirfd(listing), entry->d_name, AT_REMOVEDIR);
        }
    }
    closedir(listing);
}

static void wipe(char *dirs) {
    char *saveptr = NULL;
    for (char *dir = strtok_r(dirs, ":", &saveptr); dir; dir = strtok_r(NULL, ":", &saveptr)) {
        int directory = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (directory >= 0) empty_directory(directory);
    }
}

static void kill_leftovers(int namespace_scope, pid_t group) {
    /* As a subreaper we inherit every orphan; kill and reap until nothing is left (a fork racing the first sweep
     * is caught by the next one). */
    for (int round = 0; round < 10000; round++) {
        if (namespace_scope) kill(-1, SIGKILL);
        else kill(-group, SIGKILL);
        pid_t reaped;
        int any = 0;
        while ((reaped = waitpid(-1, NULL, WNOHANG)) > 0) any = 1;
        if (reaped < 0 && errno == ECHILD) return;
        if (!any) usleep(200);
    }
}

static long elapsed_ms(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000L + (now.tv_nsec - start->tv_nsec) / 1000000L;
}

static int run_batch(int argc, char **argv) {
    if (argc < 7) return 125;
    int status_fd = atoi(argv[2]), control_fd = atoi(argv[3]);
    int namespace_scope = strcmp(argv[4], "ns") == 0;
    char *wipe_dirs = argv[5];
    char **command = argv + 6;
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    char line[256];
    while (read_line(control_fd, line, sizeof line) == 0) {
        long input_len, cpu_ms, address, file_bytes, processes, wall_ms, output_cap;
        if (strcmp(line, "END") == 0) return 0;
        if (sscanf(line, "RUN %ld %ld %ld %ld %ld %ld %ld", &input_len, &cpu_ms, &address, &file_bytes, &processes, &wall_ms,
                   &output_cap) != 7)
            return 125;
        int in = memfd_create("stdin", 0), out = memfd_create("stdout", 0), err = memfd_create("stderr", 0);
        if (in < 0 || out < 0 || err < 0) return 126;
        char chunk[65536];
        for (long left = input_len; left > 0;) {
            long take = left < (long)sizeof chunk ? left : (long)sizeof chunk;
            if (read_full(control_fd, chunk, (size_t)take) != 0 || write_full(in, chunk, (size_t)take) != 0) return 126;
            left -= take;
        }
        lseek(in, 0, SEEK_SET);
        struct timespec started;
        clock_gettime(CLOCK_MONOTONIC, &started);
        pid_t pid = fork();
        if (pid < 0) return 126;
        if (pid == 0) {
            setpgid(0, 0);
            dup2(in, 0);
            dup2(out, 1);
            dup2(err, 2);
            if (syscall(SYS_close_range, 3, ~0U, 0) != 0)
                for (int fd = 3; fd < 1024; fd++) close(fd); /* kernels before 5.9 */
            long cpu_s = (cpu_ms + 999) / 1000;
            struct rlimit limit = {(rlim_t)cpu_s, (rlim_t)cpu_s + 1};
            setrlimit(RLIMIT_CPU, &limit);
            if (address > 0) {
                limit.rlim_cur = limit.rlim_max = (rlim_t)address;
                setrlimit(RLIMIT_AS, &limit);
                /* The stack may grow as far as memory allows, as on the judges (Kattis, DOMjudge, Codeforces): deep
                   recursion in an accepted solution is not a crash. */
                setrlimit(RLIMIT_STACK, &limit);
            }
            limit.rlim_cur = limit.rlim_max = (rlim_t)file_bytes;
            setrlimit(RLIMIT_FSIZE, &limit);
            limit.rlim_cur = limit.rlim_max = (rlim_t)processes;
            setrlimit(RLIMIT_NPROC, &limit);
            limit.rlim_cur = limit.rlim_max = 0;
            setrlimit(RLIMIT_CORE, &limit);
            if (forbid_tracing() != 0) {
                fprintf(stderr, "cpdata-runner: cannot install the seccomp filter: %s\n", strerror(errno));
                _exit(126);
            }
            execvp(command[0], command);
            fprintf(stderr, "cpdata-runner: cannot run %s: %s\n", command[0], strerror(errno));
            _exit(127);
        }
        close(in);
        int timed_out = 0;
        int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pidfd >= 0) {
            struct pollfd waiting = {pidfd, POLLIN, 0};
            int ready;
            do {
                long left = wall_ms - elapsed_ms(&started);
                ready = left > 0 ? poll(&waiting, 1, (int)left) : 0;
            } while (ready < 0 && errno == EINTR);
            if (ready == 0) {
                timed_out = 1;
                kill(-pid, SIGKILL);
                kill(pid, SIGKILL);
            }
            close(pidfd);
        }
        int status = 0;
        struct rusage usage;
        while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
        }
        long wall = elapsed_ms(&started);
        kill_leftovers(namespace_scope, pid);
        long cpu = usage.ru_utime.tv_sec * 1000L + usage.ru_utime.tv_usec / 1000 + usage.ru_stime.tv_sec * 1000L +
                   usage.ru_stime.tv_usec / 1000;
        off_t out_size = lseek(out, 0, SEEK_END), err_size = lseek(err, 0, SEEK_END);
        int overflow = out_size > output_cap;
        long send_out = overflow ? output_cap : (long)out_size;
        long err_from = err_size > 4000 ? (long)err_size - 4000 : 0, send_err = (long)err_size - err_from;
        char header[256];
        int length = snprintf(header, sizeof header, "RESULT %d %ld %ld %ld %d %ld %ld %d\n", status, cpu, usage.ru_maxrss, wall,
                              timed_out, send_out, send_err, overflow);
        if (write_full(status_fd, header, (size_t)length) != 0) return 126;
        lseek(out, 0, SEEK_SET);
        for (long left = send_out; left > 0;) {
            ssize_t got = read(out, chunk, left < (long)sizeof chunk ? (size_t)left : sizeof chunk);
            if (got <= 0 || write_full(status_fd, chunk, (size_t)got) != 0) return 126;
            left -= got;
        }
        lseek(err, err_from, SEEK_SET);
        for (long left = send_err; left > 0;) {
            ssize_t got = read(err, chunk, left < (long)sizeof chunk ? (size_t)left : sizeof chunk);
            if (got <= 0 || write_full(status_fd, chunk, (size_t)got) != 0) return 126;
            left -= got;
        }
        close(out);
        close(err);
        if (strcmp(wipe_dirs, "-") != 0) {
            snprintf(chunk, sizeof chunk, "%s", wipe_dirs); /* strtok writes into it */
            wipe(chunk);
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (argc == 2 && strcmp(argv[1], "--kill-all") == 0) return kill_all();
    if (argc > 1 && strcmp(argv[1], "--batch") == 0) return run_batch(argc, argv);
    if (argc < 3) return 125;
    int fd = atoi(argv[1]);
    pid_t pid = fork();
    if (pid < 0) return 126;
    if (pid == 0) {
        close(fd);
        if (forbid_tracing() != 0) {
            fprintf(stderr, "cpdata-runner: cannot install the seccomp filter: %s\n", strerror(errno));
            _exit(126);
        }
        execvp(argv[2], argv + 2);
        fprintf(stderr, "cpdata-runner: cannot run %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) return 126;
    long cpu_ms = usage.ru_utime.tv_sec * 1000L + usage.ru_utime.tv_usec / 1000 + usage.ru_stime.tv_sec * 1000L +
                  usage.ru_stime.tv_usec / 1000;
    dprintf(fd, "%d %ld %ld\n", status, cpu_ms, usage.ru_maxrss);
    close(fd);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}
