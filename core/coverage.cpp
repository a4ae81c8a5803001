#include "core/coverage.hpp"

#include <cmath>
#include <string>

#include <tbb/parallel_for.h>

#include "core/error.hpp"

namespace lifecircle {

std::vector<double> coverage_shares(const ReachTable& table, std::span<const double> minutes, double speed,
                                    std::span<const double> weights) {
    if (!(speed > 0.0) || !std::isfinite(speed))
        throw ArgumentError("coverage: walking speed is " + std::to_string(speed) +
                            "; expected a positive number of metres a minute");
    if (!weights.empty() && weights.size() != table.num_nodes())
        throw ArgumentError("coverage: " + std::to_string(weights.size()) + " weights for " +
                            std::to_string(table.num_nodes()) + " nodes");
    for (double m : minutes)
        if (m * speed > table.max_distance() * (1.0 + 1e-12))
            throw ArgumentError("coverage: " + std::to_string(m) + " minutes at " + std::to_string(speed) +
                                " m/min is beyond the table's " + std::to_string(table.max_distance()) + " m");
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

SiteBalls site_balls(const WalkNetwork& network, std::span<const std::uint32_t> candidates, double ring) {
    const std::size_t n = network.num_nodes();
    if (!(ring >= 0.0) || !std::isfinite(ring))
        throw ArgumentError("greedy_sites: ring is " + std::to_string(ring) + "; expected metres >= 0");
    for (auto v : candidates)
        if (v >= n) throw ArgumentError("greedy_sites: candidate node " + std::to_string(v) + " is not in the network");
    SiteBalls out;
    out.candidates.assign(candidates.begin(), candidates.end());
    out.balls.resize(candidates.size());
    tbb::parallel_for(std::size_t{0}, candidates.size(), [&](std::size_t i) {
        for (const auto& [u, dist] : bounded_dijkstra(network, candidates[i], ring)) out.balls[i].push_back(u);
    });
    return out;
}

std::vector<Site> greedy_sites(const SiteBalls& balls, std::span<const double> weights,
                               std::vector<std::uint8_t> covered, int count) {
    if (weights.size() != covered.size())
        throw ArgumentError("greedy_sites: " + std::to_string(weights.size()) + " weights and " +
                            std::to_string(covered.size()) + " coverage flags");
    const std::size_t nc = balls.candidates.size();
    for (const auto& ball : balls.balls)
        for (auto u : ball)
            if (u >= weights.size())
                throw ArgumentError("greedy_sites: " + std::to_string(weights.size()) +
                                    " weights for a larger network");
    std::vector<Site> out;
    std::vector<std::uint8_t> taken(nc, 0);
    for (int k = 0; k < count && out.size() < nc; ++k) {
        std::size_t best = nc;
        double best_gain = -1.0;
        for (std::size_t i = 0; i < nc; ++i) {
            if (taken[i]) continue;
            double gain = 0.0;
            for (auto u : balls.balls[i])
                if (!covered[u]) gain += weights[u];
            if (gain > best_gain) {
                best_gain = gain;
                best = i;
            }
        }
        taken[best] = 1;
        for (auto u : balls.balls[best]) covered[u] = 1;
        out.push_back({balls.candidates[best], best_gain});
    }
    return out;
}

std::vector<Site> greedy_sites(const WalkNetwork& network, std::span<const std::uint32_t> candidates,
                               std::span<const double> weights, std::vector<std::uint8_t> covered, double ring,
                               int count) {
    if (weights.size() != network.num_nodes())
        throw ArgumentError("greedy_sites: " + std::to_string(weights.size()) + " weights for " +
                            std::to_string(network.num_nodes()) + " nodes");
    return greedy_sites(site_balls(network, candidates, ring), weights, std::move(covered), count);
}

}  // namespace lifecircle
