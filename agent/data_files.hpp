// Finding a competition's train, test and sample-submission files in
// `C/data/`: loose CSV/JSON files or members of archives (data.zip,
// train.csv.zip, ...). Only names are looked at here; tables are read by
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
  std::string format;  ///< "csv" or "json"
  int64_t bytes = -1;  ///< size when known
  /// The file's own name (the member's base name, or the loose file's).
  std::string base_name() const;
  /// "data/data.zip:train.csv" or "data/train.csv".
  std::string label() const;
};

/// The three files a competition needs.
struct competition_files {
  data_file train;             ///< features and targets
  data_file test;              ///< features of the rows to predict
  data_file sample_submission; ///< the submission format
  std::vector<std::string> notes; ///< choices worth telling the user
};

/// Every readable table under `<competition_dir>/data` (two levels deep),
/// including safe members of archives; unsafe members are listed in `notes`.
std::vector<data_file> list_data_files(const std::string& competition_dir,
                                       std::vector<std::string>& notes);

/// Picks train, test and sample submission by name among `files`.
result<competition_files> pick_files(const std::vector<data_file>& files);

/// Opens `f` for streaming, whether loose or inside an archive.
result<std::unique_ptr<byte_source>> open_data_file(const std::string& competition_dir,
                                                    const data_file& f);

} // namespace kagent::agent
