#include "sim/coverage.hpp"

#include <cmath>
#include <string>

#include <tbb/parallel_for.h>

#include "sim/error.hpp"

namespace lifecircle {

std::vector<double> coverage_shares(const ReachTable& table, std::span<const double> minutes,
                                    double speed, std::span<const double> weights) {
    if (!(speed > 0.0) || !std::isfinite(speed))
        throw ArgumentError("coverage: walking speed is " + std::to_string(speed) +
                            "; expected a positive number of metres a minute");
    if (!weights.empty() && weights.size() != table.num_nodes())
        throw ArgumentError("coverage: " + std::to_string(weights.size()) + " weights for " +
                            std::to_string(table.num_nodes()) + " nodes");
    for (double m : minutes)
        if (m * speed > table.max_distance() * (1.0 + 1e-12))
            throw ArgumentError("coverage: " + std::to_string(m) + " minutes at " +
                                std::to_string(speed) + " m/min is beyond the table's " +
                                std::to_string(table.max_distance()) + " m");
    std::vector<double> covered(minutes.size(), 0.0);
    double total = 0.0;
    for (std::uint32_t v = 0; v < table.num_nodes(); ++v) {
        const double w = weights.empty() ? 1.0 : weights[v];
        total += w;
        const double d = table.distance(v, 0);
        for (std::size_t i = 0; i < minutes.size(); ++i)
            if (d <= minutes[i] * speed) covered[i] += w;
    }
    for (auto& c : covered) c = total > 0.0 ? c / total : 0.0;
    return covered;
}

std::vector<Site> greedy_sites(const WalkNetwork& network, std::span<const std::uint32_t> candidates,
                               std::span<const double> weights, std::vector<std::uint8_t> covered,
                               double ring, int count) {
    const std::size_t n = network.num_nodes();
    if (weights.size() != n || covered.size() != n)
        throw ArgumentError("greedy_sites: " + std::to_string(weights.size()) + " weights and " +
                            std::to_string(covered.size()) + " coverage flags for " + std::to_string(n) + " nodes");
    if (!(ring >= 0.0) || !std::isfinite(ring))
        throw ArgumentError("greedy_sites: ring is " + std::to_string(ring) + "; expected metres >= 0");
    for (auto v : candidates)
        if (v >= n) throw ArgumentError("greedy_sites: candidate node " + std::to_string(v) + " is not in the network");
    // each candidate's ball (nodes within the ring), once
    std::vector<std::vector<std::uint32_t>> balls(candidates.size());
    tbb::parallel_for(std::size_t{0}, candidates.size(), [&](std::size_t i) {
        for (const auto& [u, dist] : bounded_dijkstra(network, candidates[i], ring)) balls[i].push_back(u);
    });
    std::vector<Site> out;
    std::vector<std::uint8_t> taken(candidates.size(), 0);
    for (int k = 0; k < count && out.size() < candidates.size(); ++k) {
        std::size_t best = candidates.size();
        double best_gain = -1.0;
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            if (taken[i]) continue;
            double gain = 0.0;
            for (auto u : balls[i])
                if (!covered[u]) gain += weights[u];
            if (gain > best_gain) {
                best_gain = gain;
                best = i;
            }
        }
        taken[best] = 1;
        for (auto u : balls[best]) covered[u] = 1;
        out.push_back({candidates[best], best_gain});
    }
    return out;
}

}  // namespace lifecircle
