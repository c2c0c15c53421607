#include "sandbox/seccomp_filter.hpp"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace kagent::sandbox {

namespace {

#if defined(__x86_64__)
constexpr __u32 native_arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr __u32 native_arch = AUDIT_ARCH_AARCH64;
#else
constexpr __u32 native_arch = 0;
#endif

// x32 system calls share AUDIT_ARCH_X86_64 but carry this bit and their own
// numbers (x32 ptrace is 521): refuse them all instead of listing them.
constexpr __u32 x32_bit = 0x40000000;

constexpr __u32 deny = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
constexpr __u32 no_such_call = SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA);

sock_filter stmt(__u16 code, __u32 k) {
  return BPF_STMT(code, k);
}

sock_filter jump(__u16 code, __u32 k, __u8 jt, __u8 jf) {
  return BPF_JUMP(code, k, jt, jf);
}

void load_nr(std::vector<sock_filter>& p) {
  p.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
}

/// if nr == `nr`: return `action`.
void refuse(std::vector<sock_filter>& p, long nr, __u32 action) {
  p.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<__u32>(nr), 0, 1));
  p.push_back(stmt(BPF_RET | BPF_K, action));
}

/// if nr == `nr` and (first argument & CLONE_NEWUSER): EPERM. Reloads nr.
void refuse_newuser(std::vector<sock_filter>& p, long nr) {
  p.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<__u32>(nr), 0, 3));
  p.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])));
  p.push_back(jump(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, 0, 1));
  p.push_back(stmt(BPF_RET | BPF_K, deny));
  load_nr(p);
}

} // namespace

std::vector<sock_filter> seccomp_program(const seccomp_policy& policy) {
  std::vector<sock_filter> p;
  if (native_arch == 0)
    return p;
  // Another ABI (i386 via int 0x80) has other numbers: refuse it wholesale.
  p.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
  p.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, native_arch, 1, 0));
  p.push_back(stmt(BPF_RET | BPF_K, deny));
  load_nr(p);
  p.push_back(jump(BPF_JMP | BPF_JGE | BPF_K, x32_bit, 0, 1));
  p.push_back(stmt(BPF_RET | BPF_K, deny));
  refuse(p, SYS_ptrace, deny);
  refuse(p, SYS_process_vm_readv, deny);
  refuse(p, SYS_process_vm_writev, deny);
  refuse(p, SYS_pidfd_getfd, deny);
  if (policy.deny_user_namespaces) {
    // clone3 passes its flags in memory a filter cannot read.
    refuse(p, SYS_clone3, no_such_call);
    refuse_newuser(p, SYS_unshare);
    refuse_newuser(p, SYS_clone);
  }
  p.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  return p;
}

int install_seccomp(const std::vector<sock_filter>& program) {
  if (program.empty())
    return 0;
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return -1;
  sock_fprog prog{static_cast<unsigned short>(program.size()),
                  const_cast<sock_filter*>(program.data())};
  return static_cast<int>(::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog));
}

} // namespace kagent::sandbox
