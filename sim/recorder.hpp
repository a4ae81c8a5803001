#pragma once

#include <string>

#include "core/scenario.hpp"
#include "sim/results.hpp"

namespace lifecircle {

/// Writes a run's results to HDF5 (layout in docs/results.md), through a temporary name
/// renamed when complete: a failed or interrupted write leaves nothing at `path`.
void write_results(const std::string& path, const Scenario& scenario, const Results& results);

}  // namespace lifecircle
