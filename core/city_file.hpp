#pragma once

#include <string>

#include "core/osm_import.hpp"

namespace lifecircle {

/// Writes a network and its categorised facilities to an HDF5 city file (see docs/files.md),
/// through a temporary name: on failure nothing is left at `path`.
void write_city(const std::string& path, const OsmCity& city, const std::string& source);

/// Reads a city file written by write_city; throws InputError naming what is missing.
OsmCity read_city(const std::string& path);

}  // namespace lifecircle
