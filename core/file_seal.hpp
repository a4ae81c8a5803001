#pragma once

#include <string>

namespace lifecircle {

/// A seal on the project's HDF5 files (city, results, checkpoint): a trailer after the HDF5
/// data holding a CRC-32 of the whole file and of each dataset's stored bytes, with their byte
/// ranges. It is checked before HDF5 parses the file, so damage is found without trusting a
/// damaged file's structure (HDF5 1.10's parser can crash or hang on some damaged files), and
/// damage inside a dataset is reported by the dataset's name. The format is in
/// docs/checkpoints.md ("Files that detect their own damage").

/// Appends the seal to a finished, closed HDF5 file.
void seal_file(const std::string& path);

/// Checks the seal and removes it, leaving the HDF5 file as written, to be edited on purpose
/// (then sealed again with seal_file).
void unseal_file(const std::string& path);

/// Throws InputError naming the file, and the damaged dataset where the damage is inside one,
/// unless `path` carries an intact seal over unchanged bytes.
void check_seal(const std::string& path);

}  // namespace lifecircle
