/* cpdata's run helper: runs a command, waits for it, and reports its own CPU time and peak memory (not ours,
 * not bubblewrap's) on a file descriptor the program cannot see. Built once by curation/sandbox.py with gcc.
 * usage: runner STATUS_FD COMMAND [ARGS...]   ->   writes "wait_status cpu_ms maxrss_kb\n" to STATUS_FD */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) return 125;
    int fd = atoi(argv[1]);
    pid_t pid = fork();
    if (pid < 0) return 126;
    if (pid == 0) {
        close(fd);
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) return 126;
    long cpu_ms = usage.ru_utime.tv_sec * 1000L + usage.ru_utime.tv_usec / 1000 + usage.ru_stime.tv_sec * 1000L + usage.ru_stime.tv_usec / 1000;
    dprintf(fd, "%d %ld %ld\n", status, cpu_ms, usage.ru_maxrss);
    close(fd);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}
