// `kagentd keys create|list|revoke` (issue 9): API key management against the
// server's database (--database-url, or the embedded cluster in --data-dir,
// which must not be running then). A created key is printed once; only its
// SHA-256 is stored.
#pragma once

namespace kagent {

/// True when argv names the keys command (`kagentd keys ...`).
bool is_keys_command(int argc, char** argv);

/// Runs it; returns the process exit code (0 ok, 1 refused, 2 usage/config).
int run_keys_command(int argc, char** argv);

} // namespace kagent
