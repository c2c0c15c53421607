// The reading half of choosing files by content (file_roles.hpp decides):
// headers of every table when no file is named train, one pass over the
// train file to find test rows inside it, and the side tables' headers and
// row counts.
#pragma once

#include <string>
#include <vector>

#include "agent/data_files.hpp"
#include "agent/file_roles.hpp"
#include "agent/result.hpp"
#include "agent/table_reader.hpp"

namespace kagent::agent {

/// Every table of `all` but the sample, with its header (unreadable ones are
/// skipped with a note); delimiters are sniffed.
std::vector<table_info> read_headers(const std::string& competition_dir,
                                     const std::vector<data_file>& all,
                                     const data_file& sample, std::vector<std::string>& notes);

/// Sets `files.train` to the train table chosen by content; fails when none holds a target.
result<ok_t> choose_train_by_content(const std::vector<table_info>& tables,
                                     const std::vector<std::string>& sample_header,
                                     competition_files& files, const std::vector<std::string>& test_header);

/// Streams the sample and the train file once each to decide whether the
/// test rows are rows of train.
result<inside_decision> find_test_inside(const std::string& competition_dir,
                                         const competition_files& files,
                                         const std::vector<std::string>& sample_header,
                                         int64_t sample_rows);

/// The side tables (file_roles' auxiliary_tables), each counted.
std::vector<table_info> survey_auxiliary(const std::string& competition_dir,
                                         std::vector<table_info> tables,
                                         const competition_files& files,
                                         const std::vector<std::string>& train_header,
                                         const std::vector<std::string>& test_header,
                                         std::vector<std::string>& notes);

} // namespace kagent::agent
