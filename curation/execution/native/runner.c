/* cpdata's run helper: runs a command, waits for it, and reports its own CPU time and peak memory (not ours,
 * not bubblewrap's) on a file descriptor the program cannot see. Built once by curation/execution/sandbox.py.
 *
 *   runner STATUS_FD COMMAND [ARGS...]  ->  writes "wait_status cpu_ms maxrss_kb\n" to STATUS_FD
 *   runner --kill-all                   ->  SIGKILL every process of the calling user (but itself)
 *
 * The runner protects its own report: it is not dumpable (so a program of the same user can neither ptrace it nor
 * read its /proc entries), and the program runs under a seccomp filter that refuses ptrace and cross-process
 * memory access, with no_new_privs so that it cannot gain privileges by exec. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

int main(int argc, char **argv) {
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (argc == 2 && strcmp(argv[1], "--kill-all") == 0) return kill_all();
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
