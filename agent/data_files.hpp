// Finding a competition's tables in `C/data/`: loose delimited-text or JSON
// files, or members of archives (data.zip, train.csv.zip, train.csv.gz, ...),
// and naming train, test and sample submission by their file names. Choices
// that need the tables' contents (no file named train, test rows inside the
// train file, side tables) are in file_roles.hpp; tables are read by
// table_reader.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/byte_source.hpp"
#include "agent/result.hpp"

namespace kagent::agent {

/// One table file the agent can read.
struct data_file {
  std::string path;    ///< relative to the competition dir, e.g. "data/data.zip"
  std::string member;  ///< member inside the archive at `path`; empty for loose files
  std::string format;  ///< "csv" (any delimiter) or "json"
  int64_t bytes = -1;  ///< size when known
  std::string sep;     ///< csv: the field delimiter ("," "\t" ";" "|"); json: empty
  /// The file's own name (the member's base name, or the loose file's).
  std::string base_name() const;
  /// "data/data.zip:train.csv" or "data/train.csv".
  std::string label() const;
};

/// A table with its header (and row count once counted).
struct table_info {
  data_file file;                  ///< where it is
  std::vector<std::string> header; ///< its columns
  int64_t rows = -1;               ///< data rows; -1 until counted
};

/// The files a competition's solution reads.
struct competition_files {
  data_file train;             ///< features and targets; path empty when none was found
  data_file test;              ///< features of the rows to predict; path empty when none
  data_file sample_submission; ///< the submission format (always found)
  bool test_inside_train = false; ///< test rows are rows of the train file (blank target)
  std::vector<table_info> auxiliary; ///< every other table (side tables to join), at most 10
  std::vector<std::string> notes; ///< choices worth telling the user
};

/// Every readable table under `<competition_dir>/data` (two levels deep),
/// including safe members of archives; unsafe members are listed in `notes`.
std::vector<data_file> list_data_files(const std::string& competition_dir,
                                       std::vector<std::string>& notes);

/// Picks the sample submission (required), train and test (either may stay
/// empty) by name among `files`.
result<competition_files> pick_files(const std::vector<data_file>& files);

/// True for a file named like a (sample) submission.
bool is_submission_name(const data_file& f);

/// Opens `f` for streaming, whether loose or inside an archive.
result<std::unique_ptr<byte_source>> open_data_file(const std::string& competition_dir,
                                                    const data_file& f);

/// Sets `f.sep` from the first line of a csv file (comma when unreadable);
/// leaves json files alone.
void sniff_separator_of(const std::string& competition_dir, data_file& f);

} // namespace kagent::agent
