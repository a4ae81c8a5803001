#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/reach_table.hpp"

namespace lifecircle {

/// Share (0-1) of weight whose nearest facility lies within each of `minutes` of walking at
/// `speed` metres a minute. Weights default to one per node (later: residents per node).
std::vector<double> coverage_shares(const ReachTable& table, std::span<const double> minutes, double speed,
                                    std::span<const double> weights = {});

/// A site chosen by greedy maximal coverage and the weight it brings within reach.
struct Site {
    std::uint32_t node = 0;
    double gain = 0;  ///< weight newly within `ring` metres of the site
};

/// The nodes within `ring` metres of walking of each candidate (its "ball"), computed in
/// parallel; the input of greedy_sites, worth keeping when the same candidates are sited
/// again.
struct SiteBalls {
    std::vector<std::uint32_t> candidates;
    std::vector<std::vector<std::uint32_t>> balls;
};
SiteBalls site_balls(const WalkNetwork& network, std::span<const std::uint32_t> candidates, double ring);

/// Greedy maximal coverage: up to `count` sites among the candidates, each the one that
/// brings the most weight not yet covered within the ring; nodes with `covered[v] != 0`
/// count as covered from the start. Ties go to the earlier candidate; a candidate is chosen
/// at most once, so sites after the last useful one have gain 0. Does not depend on threads.
std::vector<Site> greedy_sites(const SiteBalls& balls, std::span<const double> weights,
                               std::vector<std::uint8_t> covered, int count);

/// The same, computing the candidates' balls first.
std::vector<Site> greedy_sites(const WalkNetwork& network, std::span<const std::uint32_t> candidates,
                               std::span<const double> weights, std::vector<std::uint8_t> covered, double ring,
                               int count);

}  // namespace lifecircle
