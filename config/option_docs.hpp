// What the option table says to people: --help, docs/OPTIONS.md,
// config/kagentd.example.ini and --print-config.
#pragma once

#include <string>

#include "config/option_loader.hpp"

namespace kagent {

/// `kagentd --help`.
std::string help_text();

/// docs/OPTIONS.md (`kagentd --help-markdown`).
std::string options_markdown();

/// config/kagentd.example.ini (`kagentd --help-ini`).
std::string example_ini();

/// `kagentd --print-config`: every option, its effective value and where it
/// came from, with credentials masked; then which credential variables are set.
std::string effective_config(const loaded_options& loaded, const env_lookup& env);

} // namespace kagent
