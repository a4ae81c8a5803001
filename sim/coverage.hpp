#pragma once

#include <span>
#include <vector>

#include "sim/reach_table.hpp"

namespace lifecircle {

/// Share (0-1) of weight whose nearest facility lies within each of `minutes` of walking at
/// `speed` metres a minute. Weights default to one per node (later: residents per node).
std::vector<double> coverage_shares(const ReachTable& table, std::span<const double> minutes,
                                    double speed, std::span<const double> weights = {});

}  // namespace lifecircle
